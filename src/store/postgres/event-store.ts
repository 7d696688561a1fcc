import type { MessageRegistry } from '../../messages/index.js';
import { encodeCursor } from '../cursor.js';
import { ConcurrencyError, InvalidArgumentError } from '../errors.js';
import { assertValidStreamId } from '../stream-id.js';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type RecordedCommand,
  type Unsubscribe,
} from '../types.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';
import { encodeEvents } from './encode-events.js';
import { migrate } from './migrate.js';
import { createEventReader } from './read-events.js';
import { createSnapshotStore } from './snapshot-store.js';
import {
  isStreamVersionTaken,
  sqlState,
  STALE_TRANSACTION,
  translateAppendError,
} from './translate-error.js';

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

/** The event store on PostgreSQL or PGlite: one SQL implementation, either driver. */
export interface PostgresEventStore extends EventStore {
  readonly driver: SqlDriver;
  /**
   * Runs `work` in one transaction; its appends commit or roll back together with whatever else
   * it writes through `store.sql`. A conflict aborts the whole transaction: retry all of `work`.
   */
  transaction<T>(work: (store: TransactionalEventStore) => Promise<T>): Promise<T>;
}

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** How often an append with `ANY`/`STREAM_EXISTS` retries after losing a race for a version. */
const UNPINNED_APPEND_ATTEMPTS = 10;

const APPEND = 'SELECT * FROM append_events($1, $2, $3::jsonb, $4, $5, $6)';

const FIND_COMMAND = `SELECT command_id, command_type, fingerprint, stream_id, stream_version,
    last_transaction_id::text AS last_transaction_id, last_position, events
  FROM commands WHERE command_id = $1`;

interface AppendRow {
  readonly ok: boolean;
  readonly stream_version: number;
  readonly transaction_id: string | null;
  readonly positions: number[] | null;
}

interface CommandRow {
  readonly command_id: string;
  readonly command_type: string;
  readonly fingerprint: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly last_transaction_id: string | null;
  readonly last_position: number | null;
  readonly events: AppendResult['events'];
}

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
  const { driver, registry, maxEventBytes = DEFAULT_MAX_EVENT_BYTES } = options;
  if (!Number.isInteger(maxEventBytes) || maxEventBytes < 1) {
    throw new InvalidArgumentError('maxEventBytes', `must be a positive integer, got ${maxEventBytes}`);
  }
  if (options.migrate !== false) await migrate(driver);

  const commits = createCommitSignal(driver);

  /**
   * The store's operations on `sql`. `onAppended` runs after each append that wrote events;
   * outside a transaction that is the commit, inside it the transaction decides.
   */
  function operationsOn(sql: SqlExecutor, inTransaction: boolean, onAppended: () => void) {
    const reader = createEventReader(sql, registry);

    async function appendOnce(
      streamId: string,
      payload: string,
      expected: number,
      command: AppendOptions['command'],
    ): Promise<AppendRow> {
      try {
        const rows = await sql.query<AppendRow>(
          APPEND,
          [streamId, expected, payload, command?.id ?? null, command?.type ?? null, command?.fingerprint ?? null],
          'strata_append_events',
        );
        const row = rows[0];
        if (row === undefined) throw new Error('append_events returned no row');
        return row;
      } catch (error) {
        throw translateAppendError(error, command?.id);
      }
    }

    async function appendToStream(
      streamId: string,
      events: readonly NewEvent[],
      appendOptions: AppendOptions = {},
    ): Promise<AppendResult> {
      assertValidStreamId(streamId);
      const expectedVersion = appendOptions.expectedVersion ?? ANY;
      const expected = encodeExpectedVersion(expectedVersion);
      const encoded = encodeEvents(events, { registry, maxEventBytes });
      // Without a pinned version, losing a race for the next version is not a conflict for the
      // caller: try again at the new end. Inside a transaction the loss aborts it, so report it.
      const attempts = expected < 0 && !inTransaction ? UNPINNED_APPEND_ATTEMPTS : 1;
      for (let attempt = 1; ; attempt++) {
        let row: AppendRow;
        try {
          row = await appendOnce(streamId, encoded.payload, expected, appendOptions.command);
        } catch (error) {
          const lostRace = isStreamVersionTaken(error) || sqlState(error) === STALE_TRANSACTION;
          if (!lostRace) throw error;
          if (attempt < attempts) continue;
          const actual = inTransaction ? undefined : await reader.streamVersion(streamId);
          throw new ConcurrencyError(streamId, expectedVersion, actual, { cause: error });
        }
        if (!row.ok) throw new ConcurrencyError(streamId, expectedVersion, row.stream_version);
        if (events.length > 0) onAppended();
        return appendResult(streamId, row, encoded.ids, encoded.types);
      }
    }

    return {
      appendToStream,
      ...reader,
      async findCommand(commandId: string): Promise<RecordedCommand | undefined> {
        const rows = await sql.query<CommandRow>(FIND_COMMAND, [commandId], 'strata_find_command');
        const row = rows[0];
        return row === undefined ? undefined : recordedCommand(row);
      },
      snapshots: createSnapshotStore(sql),
    };
  }

  return {
    driver,
    ...operationsOn(driver, false, commits.emit),
    async transaction(work) {
      let appended = false;
      const result = await driver.transaction((tx) =>
        work({ ...operationsOn(tx, true, () => (appended = true)), sql: tx }),
      );
      if (appended) commits.emit();
      return result;
    },
    onCommit: (listener) => commits.subscribe(listener),
    async close() {
      await commits.close();
      await driver.close();
    },
  };
}

function encodeExpectedVersion(expected: ExpectedVersion): number {
  switch (expected) {
    case ANY:
      return -1;
    case STREAM_EXISTS:
      return -2;
    case NO_STREAM:
      return 0;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new InvalidArgumentError(
          'expectedVersion',
          `must be a version >= 0, NO_STREAM, STREAM_EXISTS or ANY; got ${String(expected)}`,
        );
      }
      return expected;
  }
}

function appendResult(
  streamId: string,
  row: AppendRow,
  ids: readonly string[],
  types: readonly string[],
): AppendResult {
  const positions = row.positions ?? [];
  const first = row.stream_version - positions.length + 1;
  const lastPosition = positions.at(-1);
  return {
    streamId,
    streamVersion: row.stream_version,
    events: positions.map((globalPosition, index) => ({
      id: ids[index] ?? '',
      type: types[index] ?? '',
      streamVersion: first + index,
      globalPosition,
    })),
    cursor:
      lastPosition === undefined || row.transaction_id === null
        ? undefined
        : encodeCursor(row.transaction_id, lastPosition),
  };
}

function recordedCommand(row: CommandRow): RecordedCommand {
  return {
    id: row.command_id,
    type: row.command_type,
    fingerprint: row.fingerprint,
    streamId: row.stream_id,
    result: {
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      events: row.events,
      cursor:
        row.last_transaction_id === null || row.last_position === null
          ? undefined
          : encodeCursor(row.last_transaction_id, row.last_position),
    },
  };
}

/**
 * Wakes this process's readers after a commit: at once for appends made here, and through
 * LISTEN for appends made by other processes (PostgreSQL only; PGlite has one process).
 */
function createCommitSignal(driver: SqlDriver) {
  const listeners = new Set<() => void>();
  let unlisten: Promise<() => Promise<void>> | undefined;

  const emit = (): void => {
    for (const listener of listeners) listener();
  };

  return {
    emit,
    subscribe(listener: () => void): Unsubscribe {
      listeners.add(listener);
      if (driver.kind === 'pg' && unlisten === undefined) {
        unlisten = driver.listen(`strata_events_${driver.schema}`, emit);
        // Without LISTEN readers still poll; the next subscriber tries again.
        unlisten.catch(() => (unlisten = undefined));
      }
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      const stop = await unlisten?.catch(() => undefined);
      await stop?.();
    },
  };
}
