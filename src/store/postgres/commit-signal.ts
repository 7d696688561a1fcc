import { setTimeout as sleep } from 'node:timers/promises';

import type { CommitNotice, Unsubscribe } from '../types.js';
import type { SqlDriver } from './drivers/types.js';

/** Wakes readers after commits, in this process and (on PostgreSQL) in others. */
export interface CommitSignal {
  /** Tell everyone that events committed. */
  readonly committed: (notice: CommitNotice) => void;
  readonly subscribe: (listener: (notice: CommitNotice) => void) => Unsubscribe;
  readonly close: () => Promise<void>;
}

/** The shortest gap between two NOTIFYs from this process. */
const NOTIFY_INTERVAL_MS = 5;

/**
 * Listeners in this process are called at once. Other processes hear through LISTEN/NOTIFY on
 * PostgreSQL: the NOTIFY is sent after the append's commit, from its own short transaction, at
 * most one in flight and at most one per `NOTIFY_INTERVAL_MS`, coalescing the commits between.
 *
 * Why not NOTIFY inside the append: PostgreSQL holds a global notification lock from pre-commit
 * until the commit is flushed, which serialises every concurrent append's commit (measured: half
 * the throughput at 16 writers). Why the interval: a NOTIFY per append costs a writer about 15%
 * of its throughput; other processes' readers wait at most a few milliseconds more instead.
 * PGlite is one process, so it needs no NOTIFY.
 */
export function createCommitSignal(driver: SqlDriver): CommitSignal {
  const channel = `strata_events_${driver.schema}`;
  const listeners = new Set<(notice: CommitNotice) => void>();
  let unlisten: Promise<() => Promise<void>> | undefined;
  let notifying: Promise<void> | undefined;
  let commitsSeen = 0;
  let commitsNotified = 0;

  const wakeListeners = (notice: CommitNotice): void => {
    for (const listener of listeners) listener(notice);
  };
  /** Another process's commit: what it was is unknown here. */
  const remoteCommit = (): void => {
    wakeListeners({});
  };

  const notifyOtherProcesses = async (): Promise<void> => {
    while (commitsNotified < commitsSeen) {
      commitsNotified = commitsSeen;
      // A lost NOTIFY only delays other processes' readers until their next poll.
      await driver
        .query('SELECT pg_notify($1, NULL)', [channel], 'strata_notify')
        .catch(() => undefined);
      await sleep(NOTIFY_INTERVAL_MS);
    }
    notifying = undefined;
  };

  return {
    committed: (notice) => {
      wakeListeners(notice);
      if (driver.kind !== 'pg') return;
      commitsSeen++;
      notifying ??= notifyOtherProcesses();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (driver.kind === 'pg' && unlisten === undefined) {
        unlisten = driver.listen(channel, remoteCommit);
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
