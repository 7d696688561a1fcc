import type { Cursor, SqlExecutor, StoredEvent } from '../store/index.js';
import { CheckpointMovedError } from './errors.js';
import { advanceCheckpoint, type Progress } from './postgres/checkpoints.js';
import { parkEvents, type ParkRequest } from './postgres/parking.js';
import type { WorkerContext } from './worker-context.js';

/**
 * Commits one step of a worker: the handler's work on `events`, the events to park, and the
 * checkpoint moving from `from` to `to`. Transactional subscribers do all of it in one
 * transaction; others handle first, then park and move the checkpoint together. Throws
 * `CheckpointMovedError` when another process moved the checkpoint meanwhile.
 */
export type CommitStep = (
  from: Cursor,
  to: Progress,
  events: readonly StoredEvent[],
  parked: readonly ParkRequest[],
) => Promise<void>;

/** The step committer of the worker of `context`. */
export function createCommitStep(context: WorkerContext): CommitStep {
  const { store, definition } = context;
  const { name, transactional = false } = definition;
  return async (from, to, events, parked) => {
    const finish = async (tx: SqlExecutor): Promise<void> => {
      if (parked.length > 0) await parkEvents(tx, name, parked);
      if (!(await advanceCheckpoint(tx, name, from, to))) throw new CheckpointMovedError(name);
    };
    if (transactional) {
      await store.transaction(async (tx) => {
        if (events.length > 0)
          await definition.handle(events, { subscriber: name, sql: tx.sql, store: tx });
        await finish(tx.sql);
      });
    } else {
      if (events.length > 0)
        await definition.handle(events, { subscriber: name, sql: undefined, store });
      await store.driver.transaction(finish);
    }
    for (const { event, status, error } of parked) {
      context.notify({ kind: 'parked', event, status, ...(error === undefined ? {} : { error }) });
    }
    context.committed(to.handled);
  };
}
