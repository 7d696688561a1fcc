import { InvalidArgumentError } from '../errors.js';
import type { CommitNotice } from '../types.js';
import { createAppend } from './append.js';
import { createAppendHooks } from './append-hooks.js';
import { watchAvailability } from './availability.js';
import { findCommand } from './commands.js';
import { createCommitSignal } from './commit-signal.js';
import type { SqlExecutor } from './drivers/types.js';
import { readHorizon } from './horizon.js';
import { migrate } from './migrate.js';
import { createEventReader } from './read-events.js';
import { createSnapshotStore } from './snapshot-store.js';
import type {
  PostgresEventStore,
  PostgresEventStoreOptions,
  TransactionalEventStore,
} from './store-types.js';
import { assertTransactionCounterAhead } from './transaction-counter.js';
import { createTransactions } from './transactions.js';

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** Below this age an open transaction is ordinary traffic, not a stalled horizon. */
const DEFAULT_HORIZON_REPORT_MS = 1_000;

/**
 * Opens the event store on `driver`, running migrations first unless told not to. It composes
 * the append (`append.ts`), transactions and append hooks (`transactions.ts`,
 * `append-hooks.ts`), the reader (`read-events.ts`) and commit notices (`commit-signal.ts`).
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
  const hooks = createAppendHooks();
  // PGlite plans every statement it runs; PL/pgSQL functions keep their plans.
  const viaFunctions = driver.kind === 'pglite';

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
    const reader = createEventReader(sql, registry);
    const appendToStream = createAppend({
      sql,
      registry,
      maxEventBytes,
      viaFunctions,
      hooks,
      onAppended,
      transaction: self,
      appendWithHooks: (...args) => transactions.appendWithHooks(...args),
      streamVersion: (streamId) => reader.streamVersion(streamId),
    });
    return {
      appendToStream,
      ...reader,
      findCommand: (commandId: string) => findCommand(sql, commandId),
      snapshots: createSnapshotStore(sql),
    };
  }

  const transactions = createTransactions(driver, operationsOn, commits.committed);
  return {
    driver,
    ...operationsOn(driver, commits.committed, undefined),
    transaction: transactions.transaction,
    availability: () => watched.availability(),
    horizon: ({ olderThanMs = DEFAULT_HORIZON_REPORT_MS } = {}) => readHorizon(driver, olderThanMs),
    addAppendHook: (hook) => hooks.add(hook),
    onCommit: (listener) => commits.subscribe(listener),
    async close() {
      await commits.close();
      await driver.close();
    },
  };
}
