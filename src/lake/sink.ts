/** The metadata the archiver gives an object: its event count and the SHA-256 of its lines. */
export interface LakeObjectMetadata {
  readonly count: number;
  readonly sha256: string;
}

/** An object as a sink stores it: its bytes, and its metadata. */
export interface StoredLakeObject extends LakeObjectMetadata {
  readonly body: Uint8Array;
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
  /** The metadata of the object at `key` without its bytes, or `undefined`. */
  metadata(key: string): Promise<LakeObjectMetadata | undefined>;
  /** Every key starting with `prefix`, in ascending order. */
  list(prefix: string): AsyncIterable<string>;
  /**
   * The object's file on this machine, when the sink is a local directory (query engines read
   * it in place); absent for remote sinks, whose objects are fetched into a cache.
   */
  readonly localFile?: (key: string) => string;
  /** Lets go of its connections (after the archiver stopped). */
  close(): void;
}
