import type { MessageRegistry } from '../../messages/index.js';
import type { AppendResult, EventStore, StoredEvent, Unsubscribe } from '../types.js';
import type { Availability } from './availability.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';
import type { HorizonReport } from './horizon.js';

/** What `createPostgresEventStore` needs: a driver, and optionally a registry and limits. */
export interface PostgresEventStoreOptions {
  readonly driver: SqlDriver;
  /** With a registry, appends are validated and reads upcast; without, data is taken as is. */
  readonly registry?: MessageRegistry;
  /** Largest event (data + metadata, serialised) accepted, in bytes; default 1 MiB. */
  readonly maxEventBytes?: number;
  /** Run migrations before returning the store (default true). */
  readonly migrate?: boolean;
  /** Told how each append went (metrics). */
  readonly onAppend?: AppendObserver;
}

/** How an append went: `conflict` when the stream was not at the expected version. */
export type AppendOutcome = 'ok' | 'conflict' | 'error';

/** Hears every append of the store, in or out of a transaction, once it succeeded or failed. */
export type AppendObserver = (
  outcome: AppendOutcome,
  seconds: number,
  streamId: string,
  types: readonly string[],
) => void;

/** The store's operations bound to one open transaction (see `PostgresEventStore.transaction`). */
export type TransactionalEventStore = Omit<EventStore, 'onCommit' | 'close'> & {
  /** The transaction itself, for writes that must commit or roll back with the events. */
  readonly sql: SqlExecutor;
};

/** Work that must commit with the appends it watches (inline projections, unique claims). */
export interface AppendHook {
  /** Whether appends of events of these types concern it. */
  wants(types: readonly string[]): boolean;
  /**
   * Runs in the append's transaction, after its events are written; `events` are those events
   * read back as stored (validated, upcast), read once for all the hooks of the append.
   */
  afterAppend(
    tx: TransactionalEventStore,
    appended: AppendResult,
    events: readonly StoredEvent[],
  ): Promise<void>;
}

/** The event store on PostgreSQL or PGlite: one SQL implementation, either driver. */
export interface PostgresEventStore extends EventStore {
  readonly driver: SqlDriver;
  /**
   * Runs `hook` in the transaction of every append it wants: such appends then take a
   * transaction of their own instead of a single statement.
   */
  addAppendHook(hook: AppendHook): Unsubscribe;
  /**
   * Runs `work` in one transaction; its appends commit or roll back together with whatever else
   * it writes through `store.sql`. A conflict aborts the whole transaction: retry all of `work`.
   */
  transaction<T>(work: (store: TransactionalEventStore) => Promise<T>): Promise<T>;
  /** Whether the database accepts writes now (read-only, disk full, unreachable): readiness. */
  availability(): Promise<Availability>;
  /**
   * The open transaction holding every reader of the log back, when it has been open for at
   * least `olderThanMs` (default 1 s): the first thing to look at when readers stall.
   */
  horizon(options?: { olderThanMs?: number }): Promise<HorizonReport>;
}
