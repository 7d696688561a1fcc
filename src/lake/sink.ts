/** An object as a sink stores it: its bytes, and the metadata the archiver gave it. */
export interface StoredLakeObject {
  readonly body: Uint8Array;
  readonly count: number;
  readonly sha256: string;
}

/** Where the archive lives: a directory, or an S3 bucket and prefix. */
export interface LakeSink {
  /** Where it writes, for the banner and `/health/ready` (no credentials). */
  readonly location: string;
  /**
   * Stores `body` at `key` with its event count and checksum, all or nothing: a reader never
   * sees half an object, and writing the same key again replaces it.
   */
  put(key: string, object: StoredLakeObject): Promise<void>;
  /** The object at `key`, or `undefined`. */
  get(key: string): Promise<StoredLakeObject | undefined>;
  /** Every key starting with `prefix`, in ascending order. */
  list(prefix: string): AsyncIterable<string>;
  /** Lets go of its connections (after the archiver stopped). */
  close(): void;
}
