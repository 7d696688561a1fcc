import type { Cursor } from './cursor.js';
import type { UndecodableEventError } from './errors.js';
import type { ExpectedVersion } from './expected-version.js';

/**
 * Context recorded with every event. The named fields are what Strata itself sets and reads;
 * any other JSON field is the user's own.
 */
export interface EventMetadata {
  /** Ties together everything caused by one original request. */
  readonly correlationId?: string;
  /** The id of the message (usually a command) that directly caused this event. */
  readonly causationId?: string;
  /** The id of the command whose handling appended this event. */
  readonly commandId?: string;
  /** What caused that command, when it said (the event a reactor's command answers). */
  readonly commandCausationId?: string;
  /** W3C trace context of the span that appended it (see the README's traces). */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Who did it: a user id, an API key name, a service. */
  readonly actor?: string;
  readonly tenant?: string;
  readonly [field: string]: unknown;
}

/** An event to append: its type and data, optionally its id (a UUID v7 is made otherwise). */
export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: EventMetadata;
  readonly id?: string;
}

/** The command an append answers, recorded in the same transaction to make retries idempotent. */
export interface CommandRecord {
  readonly id: string;
  readonly type: string;
  /** A digest of the command's data: a reused id with other data is a conflict, not a repeat. */
  readonly fingerprint: string;
}

/** How an append checks the stream first, and which command it records. */
export interface AppendOptions {
  /** Defaults to `ANY`. */
  readonly expectedVersion?: ExpectedVersion;
  /** Records this command with the events; a second append naming it fails atomically. */
  readonly command?: CommandRecord;
}

/** One appended event, as the append reports it. */
export interface AppendedEvent {
  readonly id: string;
  readonly type: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
}

/** What an append wrote: the stream's new version, its events, and the cursor of the last. */
export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (the expected version for the next one). */
  readonly streamVersion: number;
  readonly events: readonly AppendedEvent[];
  /** Log cursor of the last appended event; `undefined` when nothing was appended. */
  readonly cursor: Cursor | undefined;
}

/** An event as stored: the envelope around the data. */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  /** UUID v7. */
  readonly id: string;
  readonly type: Type;
  /** The schema version the data is in (the current one once upcast). */
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly streamId: string;
  /** 1 for a stream's first event, then one more for each event. */
  readonly streamVersion: number;
  /** Unique, increasing in the order events were drawn; commit order may differ (see `cursor`). */
  readonly globalPosition: number;
  /** Where this event sits in the log's read order; hand it back to `readAll` to continue. */
  readonly cursor: Cursor;
  /** When the database recorded it (the database clock, not the writer's). */
  readonly recordedAt: Date;
}

/** Which part of a stream `readStream` returns. */
export interface ReadStreamOptions {
  /** Lowest stream version to include (default 1). */
  readonly from?: number;
  /** Highest stream version to include (default: the stream's last). */
  readonly to?: number;
  /** `backward` returns the range newest first, so `limit` keeps the newest events. */
  readonly direction?: 'forward' | 'backward';
  readonly limit?: number;
}

/** Where `readAll` starts in the log and which events it returns. */
export interface ReadAllOptions extends EventFilter {
  /** Start after this cursor; from the beginning of the log when absent. */
  readonly after?: Cursor;
  /** Stop after this many events. */
  readonly limit?: number;
  /** How many events to fetch per round trip (default 1000). */
  readonly batchSize?: number;
}

/** Which events `readPage` returns, and how many at most. */
export interface ReadPageOptions extends EventFilter {
  /** Most entries in the page. */
  readonly limit: number;
  /**
   * Events exactly as stored: no upcasting, never undecodable (an archive keeps what was
   * written, in the schema version it was written in). Default false.
   */
  readonly asStored?: boolean;
}

/** Which events a reader wants: all, or only some types and/or stream categories. */
export interface EventFilter {
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams of these categories (the part of the stream id before the first `-`). */
  readonly categories?: readonly string[];
}

/** What lies in the log after a cursor, for lag reports. */
export interface Backlog {
  /** Committed events after the cursor that match the filter (at least this many when not `complete`). */
  readonly events: number;
  /**
   * When the oldest of them was recorded; when the count stopped early without finding one,
   * when the first event it did not get to was recorded. `undefined` when there are none.
   */
  readonly oldestRecordedAt: Date | undefined;
  /** False when counting stopped at `maxRows`: `events` is then a lower bound. */
  readonly complete: boolean;
}

/** How much of the log a `backlog` count may look at. */
export interface BacklogOptions {
  /**
   * Look at no more than this many events of the log (matching or not), so the cost is bounded
   * however far behind the cursor is; default: count them all (a scan as long as the range).
   */
  readonly maxRows?: number;
}

/**
 * An event as a subscriber reads it: decoded, or as stored with the reason it could not be
 * decoded (an unknown type, data the upcasters cannot read), for its poison policy.
 */
export interface LogEntry {
  readonly event: StoredEvent;
  readonly problem?: UndecodableEventError;
}

/** One page of the log in read order, and how far the read got. */
export interface LogPage {
  readonly entries: readonly LogEntry[];
  /**
   * Every event up to here that the filter selects is in this page (or an earlier one): the
   * next read continues after it. Past the last entry when the events after it were filtered
   * out; the `after` given when nothing new is readable.
   */
  readonly end: Cursor;
}

/** Which streams `listStreams` returns, a page at a time. */
export interface ListStreamsOptions {
  /** Only streams of this category. */
  readonly category?: string;
  /** Streams whose id sorts after this one (paging). */
  readonly after?: string;
  /** Default 100. */
  readonly limit?: number;
}

/** A stream as listed for operators. */
export interface StreamSummary {
  readonly streamId: string;
  readonly version: number;
  readonly lastRecordedAt: Date;
}

/** A stream's newest snapshot of decider state. */
export interface Snapshot {
  readonly streamId: string;
  /** The stream version the state includes. */
  readonly streamVersion: number;
  /** The version of the state's shape; a snapshot of another shape is ignored. */
  readonly stateVersion: number;
  readonly state: unknown;
  /**
   * What shaped the state: for each event type folded into it, how that type was read (its
   * schema version and upcasters). A loader compares it with how it reads those types now;
   * absent (a snapshot from before Strata recorded it) means unknown, never trusted.
   */
  readonly eventShapes?: Readonly<Record<string, string>>;
}

/** A command recorded with its append, for returning the first result on a repeat. */
export interface RecordedCommand extends CommandRecord {
  readonly streamId: string;
  readonly result: AppendResult;
}

/**
 * What committed, as far as this process knows: the event types and streams of its own
 * appends; nothing (both `undefined`) for a commit another process announced.
 */
export interface CommitNotice {
  readonly types?: readonly string[];
  readonly streamIds?: readonly string[];
}

/** Stops a listener. */
export type Unsubscribe = () => void;

/**
 * The event store: the authoritative, append-only log of a system.
 *
 * Every operation validates its input before touching storage: a rejected call writes nothing.
 */
export interface EventStore {
  /**
   * Appends events to a stream atomically if its version matches `expectedVersion`; throws
   * `ConcurrencyError` otherwise. An empty `events` with a `command` records the command only.
   */
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Events of one stream, in version order (or reversed). */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * The global log in read order, streamed page by page: it never yields an event while a
   * transaction that could still commit an earlier one is open, so resuming from the last
   * cursor never skips an event.
   */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  /**
   * One page of the log after `after` for a subscriber: like `readAll`, but an event that
   * cannot be decoded comes back as an entry with its problem instead of failing the page, and
   * `end` says how far the read got even when the filter kept nothing.
   */
  readPage(after: Cursor, options: ReadPageOptions): Promise<LogPage>;
  /** The stream's current version; 0 when it has no events. */
  streamVersion(streamId: string): Promise<number>;
  /** Streams by id, with their versions: for operators, not for hot paths (it scans the log). */
  listStreams(options?: ListStreamsOptions): Promise<StreamSummary[]>;
  /** The cursor of the event at `globalPosition`; `undefined` when no committed event has it. */
  cursorAt(globalPosition: number): Promise<Cursor | undefined>;
  /**
   * How many committed events matching `filter` lie after `after` (up to and including `upTo`,
   * when given), and how old the first of them is.
   */
  backlog(
    after: Cursor | undefined,
    filter?: EventFilter,
    upTo?: Cursor,
    options?: BacklogOptions,
  ): Promise<Backlog>;
  /** The command recorded under `commandId`, if an append recorded it. */
  findCommand(commandId: string): Promise<RecordedCommand | undefined>;
  readonly snapshots: SnapshotStore;
  /**
   * Calls `listener` after events commit, from this process at once and from other processes
   * through the database's notifications. Readers use it to wake instead of polling.
   */
  onCommit(listener: (commit: CommitNotice) => void): Unsubscribe;
  /** Releases connections and listeners; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Latest decider state per stream, so loading need not replay a long stream. */
export interface SnapshotStore {
  load(streamId: string): Promise<Snapshot | undefined>;
  /**
   * Keeps the stored snapshot when it is newer (higher stream version) and of the same state
   * version and event shapes; otherwise this one replaces it.
   */
  save(snapshot: Snapshot): Promise<void>;
}
