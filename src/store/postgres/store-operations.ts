import type { CommitNotice } from '../types.js';
import { createAppend, type AppendContext } from './append.js';
import { findCommand } from './commands.js';
import type { SqlExecutor } from './drivers/types.js';
import { createEventReader } from './read-events.js';
import { createSnapshotStore } from './snapshot-store.js';
import type { TransactionalEventStore } from './store-types.js';

/** What the store's operations share, whichever executor they run on. */
export type SharedOperationsContext = Omit<
  AppendContext,
  'sql' | 'onAppended' | 'transaction' | 'streamVersion'
>;

/**
 * The store's operations on `sql` (the pool, or one transaction). `onAppended` runs after each
 * append that wrote events; outside a transaction that is the commit, inside it the
 * transaction decides. `self` is the transaction-bound store, for append hooks (`undefined`
 * outside a transaction).
 */
export function storeOperations(
  shared: SharedOperationsContext,
  sql: SqlExecutor,
  onAppended: (notice: CommitNotice) => void,
  self: (() => TransactionalEventStore) | undefined,
): Omit<TransactionalEventStore, 'sql'> {
  const reader = createEventReader(sql, shared.registry);
  const appendToStream = createAppend({
    ...shared,
    sql,
    onAppended,
    transaction: self,
    streamVersion: (streamId) => reader.streamVersion(streamId),
  });
  return {
    appendToStream,
    ...reader,
    findCommand: (commandId: string) => findCommand(sql, commandId),
    snapshots: createSnapshotStore(sql),
  };
}
