import type { MessageRegistry } from '../../messages/index.js';
import { ConcurrencyError, InvalidArgumentError, isConcurrencyError } from '../errors.js';
import { assertValidStreamId } from '../stream-id.js';
import {
  ANY,
  type AppendOptions,
  type AppendResult,
  type CommitNotice,
  type CommandRecord,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  type Unsubscribe,
} from '../types.js';
import { appendResult, encodeExpectedVersion, versionMatches } from './append-result.js';
import { READ_HEAD } from './append-sql.js';
import { appendStatement, type AppendedRow } from './append-statement.js';
import { watchAvailability, type Availability } from './availability.js';
import { findCommand } from './commands.js';
import { createCommitSignal } from './commit-signal.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';
import { encodeEvents, type EncodedEvents } from './encode-events.js';
import { readHorizon, type HorizonReport } from './horizon.js';
import { migrate } from './migrate.js';
import { createEventReader } from './read-events.js';
import { createSnapshotStore } from './snapshot-store.js';
import { assertTransactionCounterAhead } from './transaction-counter.js';
import { isStreamVersionTaken, translateAppendError } from './translate-error.js';

export interface PostgresEventStoreOptions {
  readonly driver: SqlDriver;
  /** With a registry, appends are validated and reads upcast; without, data is taken as is. */
  readonly registry?: MessageRegistry;
  /** Largest event (data + metadata, serialised) accepted, in bytes; default 1 MiB. */
  readonly maxEventBytes?: number;
  /** Run migrations before returning the store (default true). */
  readonly migrate?: boolean;
}

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

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** Below this age an open transaction is ordinary traffic, not a stalled horizon. */
const DEFAULT_HORIZON_REPORT_MS = 1_000;
/** How often an append with `ANY`/`STREAM_EXISTS` retries after losing a race for a version. */
const UNPINNED_APPEND_ATTEMPTS = 10;

/** A stream's last version and the transaction that wrote it. */
interface StreamHead {
  readonly version: number;
  readonly transaction_id: number | null;
}

/**
 * How one attempt to append went. A lost race is another writer taking the version first (or
 * the transaction-order check refusing an older transaction): worth retrying when unpinned.
 */
type AppendOutcome =
  | { readonly kind: 'appended'; readonly rows: readonly AppendedRow[] }
  | { readonly kind: 'conflict'; readonly actual: number }
  | { readonly kind: 'lost-race' };

/**
 * Opens the event store on `driver`, running migrations first unless told not to.
 *
 * @example
 * const store = await createPostgresEventStore({
 *   driver: createPgDriver({ connectionString: process.env.DATABASE_URL }),
 *   registry,
 * });
 */
export async function createPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<PostgresEventStore> {
  const { registry, maxEventBytes = DEFAULT_MAX_EVENT_BYTES } = options;
  // Every user of the store's driver (appends, projections, subscribers) gets the database's
  // "not now" refusals as StoreUnavailableError.
  const watched = watchAvailability(options.driver);
  const driver = watched.driver;
  if (!Number.isInteger(maxEventBytes) || maxEventBytes < 1) {
    throw new InvalidArgumentError(
      'maxEventBytes',
      `must be a positive integer, got ${maxEventBytes}`,
    );
  }
  if (options.migrate !== false) await migrate(driver);
  await assertTransactionCounterAhead(driver);
  const commits = createCommitSignal(driver);
  // PGlite plans every statement it runs; PL/pgSQL functions keep their plans.
  const viaFunctions = driver.kind === 'pglite';

  const hooks = new Set<AppendHook>();
  const hooksFor = (types: readonly string[]) => [...hooks].filter((hook) => hook.wants(types));

  /**
   * The store's operations on `sql`. `onAppended` runs after each append that wrote events;
   * outside a transaction that is the commit, inside it the transaction decides. `self` is the
   * transaction-bound store, for append hooks (`undefined` outside a transaction).
   */
  function operationsOn(
    sql: SqlExecutor,
    onAppended: (notice: CommitNotice) => void,
    self: (() => TransactionalEventStore) | undefined,
  ) {
    const inTransaction = self !== undefined;
    const reader = createEventReader(sql, registry);

    /** Runs the append once and says how it went. */
    async function tryAppend(
      streamId: string,
      expected: number,
      events: EncodedEvents,
      command: CommandRecord | undefined,
    ): Promise<AppendOutcome> {
      const statement = appendStatement(streamId, expected, events, command, viaFunctions);
      let rows: AppendedRow[];
      try {
        rows = await sql.query<AppendedRow>(statement.text, statement.params, statement.name);
      } catch (error) {
        if (isStreamVersionTaken(error)) return { kind: 'lost-race' };
        throw translateAppendError(error, command?.id);
      }
      if (rows.length > 0) return { kind: 'appended', rows };
      const head = await readHead(streamId);
      // Refused although the version matched: the transaction-order check refused it.
      return versionMatches(expected, head.version)
        ? { kind: 'lost-race' }
        : { kind: 'conflict', actual: head.version };
    }

    async function readHead(streamId: string): Promise<StreamHead> {
      const [head] = await sql.query<StreamHead>(READ_HEAD, [streamId], 'strata_read_head');
      return head ?? { version: 0, transaction_id: null };
    }

    async function appendToStream(
      streamId: string,
      events: readonly NewEvent[],
      appendOptions: AppendOptions = {},
    ): Promise<AppendResult> {
      assertValidStreamId(streamId);
      const { command, expectedVersion = ANY } = appendOptions;
      const expected = encodeExpectedVersion(expectedVersion);
      const encoded = encodeEvents(events, { registry, maxEventBytes });
      if (encoded.ids.length === 0 && command === undefined) {
        // Nothing to write: the append only checks the expected version.
        const { version } = await readHead(streamId);
        if (!versionMatches(expected, version)) {
          throw new ConcurrencyError(streamId, expectedVersion, version);
        }
        return { streamId, streamVersion: version, events: [], cursor: undefined };
      }
      if (!inTransaction && hooksFor(encoded.types).length > 0) {
        // Append hooks (inline projections) run in the append's transaction.
        return appendWithHooks(streamId, events, appendOptions, expected < 0);
      }
      // Without a pinned version, losing a race for the next version is no conflict for the
      // caller: try again at the new end. Inside a transaction the loss aborts it: report it.
      const attempts = expected < 0 && !inTransaction ? UNPINNED_APPEND_ATTEMPTS : 1;
      for (let attempt = 1; ; attempt++) {
        const outcome = await tryAppend(streamId, expected, encoded, command);
        if (outcome.kind === 'appended') {
          const result = appendResult(streamId, outcome.rows, encoded);
          if (encoded.ids.length > 0) onAppended({ types: encoded.types, streamIds: [streamId] });
          if (self !== undefined) await runHooks(self(), result, hooksFor(encoded.types));
          return result;
        }
        if (outcome.kind === 'conflict') {
          throw new ConcurrencyError(streamId, expectedVersion, outcome.actual);
        }
        if (attempt >= attempts) {
          const actual = inTransaction ? undefined : await reader.streamVersion(streamId);
          throw new ConcurrencyError(streamId, expectedVersion, actual);
        }
      }
    }

    return {
      appendToStream,
      ...reader,
      findCommand: (commandId: string) => findCommand(sql, commandId),
      snapshots: createSnapshotStore(sql),
    };
  }

  async function transaction<T>(work: (store: TransactionalEventStore) => Promise<T>): Promise<T> {
    const appended = { types: new Set<string>(), streamIds: new Set<string>() };
    const result = await driver.transaction((tx) => {
      const bound: TransactionalEventStore = {
        ...operationsOn(
          tx,
          (notice) => {
            for (const type of notice.types ?? []) appended.types.add(type);
            for (const streamId of notice.streamIds ?? []) appended.streamIds.add(streamId);
          },
          () => bound,
        ),
        sql: tx,
      };
      return work(bound);
    });
    if (appended.types.size > 0) {
      commits.committed({ types: [...appended.types], streamIds: [...appended.streamIds] });
    }
    return result;
  }

  /** An append and its hooks in one transaction; an unpinned append retries a lost race. */
  async function appendWithHooks(
    streamId: string,
    events: readonly NewEvent[],
    appendOptions: AppendOptions,
    unpinned: boolean,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction((tx) => tx.appendToStream(streamId, events, appendOptions));
      } catch (error) {
        if (!unpinned || !isConcurrencyError(error) || attempt >= UNPINNED_APPEND_ATTEMPTS)
          throw error;
      }
    }
  }

  return {
    driver,
    ...operationsOn(driver, commits.committed, undefined),
    transaction,
    availability: () => watched.availability(),
    horizon: ({ olderThanMs = DEFAULT_HORIZON_REPORT_MS } = {}) => readHorizon(driver, olderThanMs),
    addAppendHook(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    onCommit: (listener) => commits.subscribe(listener),
    async close() {
      await commits.close();
      await driver.close();
    },
  };
}

/** Runs `hooks` on an append in its transaction, with its events read back once for all. */
async function runHooks(
  tx: TransactionalEventStore,
  appended: AppendResult,
  hooks: readonly AppendHook[],
): Promise<void> {
  const first = appended.events[0];
  const last = appended.events.at(-1);
  if (hooks.length === 0 || first === undefined || last === undefined) return;
  const events = await tx.readStream(appended.streamId, {
    from: first.streamVersion,
    to: last.streamVersion,
  });
  for (const hook of hooks) await hook.afterAppend(tx, appended, events);
}
