import { gunzipSync } from 'node:zlib';

import { StrataError } from '../errors.js';
import {
  readCommittedLog,
  restoreEvents,
  type SqlDriver,
  type StoredEvent,
} from '../store/index.js';
import { fromLakeLine, toLakeLine } from './envelope.js';
import { linesOf, objectsInReadOrder } from './reading.js';
import type { LakeSink } from './sink.js';

/** The store a replay writes into is not empty: replaying into it would mix two logs. */
export class ReplayTargetNotEmptyError extends StrataError {
  readonly code = 'REPLAY_TARGET_NOT_EMPTY';
}

/** The replayed log differs from the archive (a bug, or the target written to meanwhile). */
export class ReplayMismatchError extends StrataError {
  readonly code = 'REPLAY_MISMATCH';
}

/** What a replay did. */
export interface ReplayReport {
  readonly objects: number;
  readonly events: number;
}

async function eventsOf(sink: LakeSink, key: string): Promise<StoredEvent[]> {
  const object = await sink.get(key);
  if (object === undefined) throw new ReplayMismatchError(`${key} vanished during the replay`);
  const text = gunzipSync(object.body).toString('utf8');
  return linesOf(text).map(fromLakeLine);
}

/** An event as a replay promises to keep it: all but its position and cursor. */
const kept = (event: StoredEvent) =>
  toLakeLine({ ...event, globalPosition: 0, cursor: '' as StoredEvent['cursor'] });

/**
 * Rebuilds an event store from the archive: every event with its id, stream, version, type,
 * schema version, data, metadata and recording time, in the archive's read order (positions
 * are the new store's own). `target` (a migrated store's driver) must hold no events;
 * afterwards its log is read back and compared with the archive, event by event.
 */
export async function replayLake(
  sink: LakeSink,
  target: Pick<SqlDriver, 'query' | 'exec' | 'transaction'>,
): Promise<ReplayReport> {
  const [present] = await target.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM events',
  );
  if ((present?.count ?? 0) > 0) {
    throw new ReplayTargetNotEmptyError(
      `The target store already holds ${present?.count} events: replay into an empty one`,
    );
  }
  const objects = await objectsInReadOrder(sink);
  let events = 0;
  for (const object of objects) {
    const batch = await eventsOf(sink, object.key);
    // One transaction per object, one after another: the log's read order is kept.
    await target.transaction((sql) => restoreEvents(sql, batch));
    events += batch.length;
  }
  // The proof: the new log, read back in its read order, is the archive.
  const replayed = readCommittedLog(target)[Symbol.asyncIterator]();
  let compared = 0;
  for (const object of objects) {
    for (const archived of await eventsOf(sink, object.key)) {
      const next = await replayed.next();
      if (next.done === true || kept(next.value) !== kept(archived)) {
        throw new ReplayMismatchError(
          `Event ${compared + 1} of the replayed log is not the archive's (${archived.id})`,
        );
      }
      compared++;
    }
  }
  if ((await replayed.next()).done !== true) {
    throw new ReplayMismatchError('The replayed log holds more events than the archive');
  }
  return { objects: objects.length, events };
}
