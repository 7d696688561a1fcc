import { CheckpointMovedError } from './errors.js';
import { advanceCheckpoint, type Progress } from './postgres/checkpoints.js';
import type { WorkerContext } from './worker-context.js';

/**
 * Records how far a worker read past its checkpoint, at most once per poll interval: a restart
 * (or a status read) resumes from there, and an idle subscriber writes nothing. Returns the
 * progress now stored.
 */
export type ScanSaver = (saved: Progress, now: Progress) => Promise<Progress>;

/** A scan saver for the worker of `context`, with its own clock of the last save. */
export function createScanSaver(context: WorkerContext, clock = Date.now): ScanSaver {
  const { store, definition, pollIntervalMs } = context;
  let savedAt = 0;
  return async (saved, now) => {
    if (now.scanned === saved.scanned || clock() - savedAt < pollIntervalMs) return saved;
    if (!(await advanceCheckpoint(store.driver, definition.name, saved.handled, now))) {
      throw new CheckpointMovedError(definition.name);
    }
    savedAt = clock();
    return now;
  };
}
