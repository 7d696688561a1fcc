import type { Cursor, PostgresEventStore } from '../store/index.js';
import { listProgress } from './postgres/checkpoints.js';
import { LAG_MAX_ROWS } from './subscriber-progress.js';

/** A subscriber as the database records it, whichever process runs it (or none). */
export interface StoredSubscriberProgress {
  readonly name: string;
  /** Its checkpoint: the last event it handled or parked. */
  readonly handled: Cursor;
  /** Events in the log it has not read yet, whatever its filter (at most the count cap). */
  readonly unreadEvents: number;
  /** False when `unreadEvents` is a lower bound: it is far behind. */
  readonly unreadComplete: boolean;
  /** How long ago the oldest unread event was recorded, in seconds; 0 with none unread. */
  readonly unreadSeconds: number;
  readonly parked: number;
  /** When its progress was last saved. */
  readonly updatedAt: Date;
}

/**
 * Every subscriber that has a checkpoint in the store, with what it has left to read: for
 * operators (`strata status`), from a process that runs none of them. Each count starts at
 * how far the subscriber has scanned and stops at the cap, so this stays cheap on a long log.
 */
export async function storedSubscriberProgress(
  store: PostgresEventStore,
): Promise<StoredSubscriberProgress[]> {
  const rows = await listProgress(store.driver);
  return Promise.all(
    rows.map(async (row) => {
      const unread = await store.backlog(row.progress.scanned, undefined, undefined, {
        maxRows: LAG_MAX_ROWS,
      });
      return {
        name: row.subscriber,
        handled: row.progress.handled,
        unreadEvents: unread.events,
        unreadComplete: unread.complete,
        unreadSeconds:
          unread.oldestRecordedAt === undefined
            ? 0
            : Math.max(0, (Date.now() - unread.oldestRecordedAt.getTime()) / 1000),
        parked: row.parked,
        updatedAt: row.updatedAt,
      };
    }),
  );
}
