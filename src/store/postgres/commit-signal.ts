import type { Unsubscribe } from '../types.js';
import type { SqlDriver } from './drivers/types.js';

/** Wakes readers after commits, in this process and (on PostgreSQL) in others. */
export interface CommitSignal {
  /** Tell everyone that events committed. */
  readonly committed: () => void;
  readonly subscribe: (listener: () => void) => Unsubscribe;
  readonly close: () => Promise<void>;
}

/**
 * Listeners in this process are called at once. Other processes hear through LISTEN/NOTIFY on
 * PostgreSQL: the NOTIFY is sent after the append's commit, from its own short transaction, at
 * most one in flight and coalescing the commits that happen meanwhile. A NOTIFY inside the
 * append would take PostgreSQL's global notification lock from pre-commit until the commit is
 * flushed, serialising every concurrent append's commit; measured, that halves throughput at 16
 * writers. PGlite is one process, so it needs no NOTIFY.
 */
export function createCommitSignal(driver: SqlDriver): CommitSignal {
  const channel = `strata_events_${driver.schema}`;
  const listeners = new Set<() => void>();
  let unlisten: Promise<() => Promise<void>> | undefined;
  let notifying: Promise<void> | undefined;
  let commitsSeen = 0;
  let commitsNotified = 0;

  const wakeListeners = (): void => {
    for (const listener of listeners) listener();
  };

  const notifyOtherProcesses = async (): Promise<void> => {
    while (commitsNotified < commitsSeen) {
      commitsNotified = commitsSeen;
      // A lost NOTIFY only delays other processes' readers until their next poll.
      await driver
        .query('SELECT pg_notify($1, NULL)', [channel], 'strata_notify')
        .catch(() => undefined);
    }
    notifying = undefined;
  };

  return {
    committed: () => {
      wakeListeners();
      if (driver.kind !== 'pg') return;
      commitsSeen++;
      notifying ??= notifyOtherProcesses();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (driver.kind === 'pg' && unlisten === undefined) {
        unlisten = driver.listen(channel, wakeListeners);
        // Without LISTEN readers still poll; the next subscriber tries again.
        unlisten.catch(() => (unlisten = undefined));
      }
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      await notifying;
      const stop = await unlisten?.catch(() => undefined);
      await stop?.();
    },
  };
}
