import { InvalidArgumentError } from '../errors.js';
import { createAppendHooks } from './append-hooks.js';
import { watchAvailability } from './availability.js';
import { createCommitSignal } from './commit-signal.js';
import { readHorizon } from './horizon.js';
import { migrate } from './migrate.js';
import { storeOperations, type SharedOperationsContext } from './store-operations.js';
import type { PostgresEventStore, PostgresEventStoreOptions } from './store-types.js';
import { assertTransactionCounterAhead } from './transaction-counter.js';
import { createTransactions } from './transactions.js';

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** Below this age an open transaction is ordinary traffic, not a stalled horizon. */
const DEFAULT_HORIZON_REPORT_MS = 1_000;

/**
 * Opens the event store on `driver`, running migrations first unless told not to. It composes
 * the operations on an executor (`store-operations.ts`: the append of `append.ts`, the reader
 * of `read-events.ts`), transactions and append hooks (`transactions.ts`, `append-hooks.ts`)
 * and commit notices (`commit-signal.ts`).
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

  const shared: SharedOperationsContext = {
    registry,
    maxEventBytes,
    viaFunctions,
    hooks,
    onAppend: options.onAppend,
    appendWithHooks: (...args) => transactions.appendWithHooks(...args),
  };
  const transactions = createTransactions(
    driver,
    (sql, onAppended, self) => storeOperations(shared, sql, onAppended, self),
    commits.committed,
  );
  return {
    driver,
    ...storeOperations(shared, driver, commits.committed, undefined),
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
