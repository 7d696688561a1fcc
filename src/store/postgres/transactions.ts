import { retrying } from '../../retry.js';
import { isConcurrencyError } from '../errors.js';
import { pinsVersion, ANY } from '../expected-version.js';
import type { AppendOptions, AppendResult, CommitNotice, NewEvent } from '../types.js';
import { UNPINNED_APPEND_ATTEMPTS } from './append.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';
import type { TransactionalEventStore } from './store-types.js';

/** The store's operations on `sql`, telling `onAppended` of appends; `self` inside a tx. */
export type BindOperations = (
  sql: SqlExecutor,
  onAppended: (notice: CommitNotice) => void,
  self: () => TransactionalEventStore,
) => Omit<TransactionalEventStore, 'sql'>;

/**
 * A store's transactions: `transaction` runs work on a transaction-bound store and announces
 * its appends once it commits; `appendWithHooks` runs one append with its hooks in a
 * transaction of its own.
 */
export function createTransactions(
  driver: SqlDriver,
  bind: BindOperations,
  announce: (notice: CommitNotice) => void,
) {
  async function transaction<T>(work: (store: TransactionalEventStore) => Promise<T>): Promise<T> {
    const appended = { types: new Set<string>(), streamIds: new Set<string>() };
    const result = await driver.transaction((tx) => {
      const bound: TransactionalEventStore = {
        ...bind(
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
    // Only a committed transaction's appends are announced.
    if (appended.types.size > 0) {
      announce({ types: [...appended.types], streamIds: [...appended.streamIds] });
    }
    return result;
  }

  /** An append and its hooks in one transaction; an unpinned append retries a lost race. */
  function appendWithHooks(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const unpinned = !pinsVersion(options.expectedVersion ?? ANY);
    return retrying(() => transaction((tx) => tx.appendToStream(streamId, events, options)), {
      attempts: unpinned ? UNPINNED_APPEND_ATTEMPTS : 1,
      retryIf: isConcurrencyError,
    });
  }

  return { transaction, appendWithHooks };
}
