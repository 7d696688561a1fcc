import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import type { Cursor, EventStore, StoredEvent } from '../store/index.js';
import { fromLakeLine, toLakeLine } from './envelope.js';
import { hourOf } from './keys.js';
import { linesOf, objectsInReadOrder } from './reading.js';
import type { LakeSink } from './sink.js';

/** What `verifyLake` found in one hour of the archive, against the log. */
export interface LakeHourReport {
  /** `YYYY-MM-DDTHH`, UTC. */
  readonly hour: string;
  readonly objects: number;
  /** Events in the log recorded in this hour. */
  readonly logEvents: number;
  /** Events the archive holds for this hour. */
  readonly lakeEvents: number;
  /** Positions of log events the archive lacks. */
  readonly missing: readonly number[];
  /** Positions the archive holds more than once. */
  readonly duplicates: readonly number[];
  /** Positions the archive holds that the log does not, or holds otherwise. */
  readonly foreign: readonly number[];
  /** Keys whose bytes do not match their metadata (count, SHA-256) or do not parse. */
  readonly corrupt: readonly string[];
}

/** The whole verification: every hour, and whether all is well. */
export interface LakeReport {
  readonly hours: readonly LakeHourReport[];
  /**
   * Events of the log after the last archived one: not archived yet (the archiver lags by up
   * to its linger), which is no fault.
   */
  readonly notYetArchived: number;
  readonly ok: boolean;
}

interface HourTally {
  objects: number;
  logEvents: number;
  lakeEvents: number;
  missing: number[];
  duplicates: number[];
  foreign: number[];
  corrupt: string[];
}

const tally = (): HourTally => ({
  objects: 0,
  logEvents: 0,
  lakeEvents: 0,
  missing: [],
  duplicates: [],
  foreign: [],
  corrupt: [],
});

/** The events of the object at `key`, or `undefined` when it is corrupt. */
async function readObject(sink: LakeSink, key: string): Promise<StoredEvent[] | undefined> {
  const object = await sink.get(key);
  if (object === undefined) return undefined;
  try {
    const text = gunzipSync(object.body).toString('utf8');
    const sha256 = createHash('sha256').update(text).digest('hex');
    const lines = linesOf(text);
    if (sha256 !== object.sha256 || lines.length !== object.count) return undefined;
    return lines.map(fromLakeLine);
  } catch {
    return undefined;
  }
}

/** The same event as stored: everything the archive promises to keep, in its line's form. */
const sameEvent = (a: StoredEvent, b: StoredEvent) => toLakeLine(a) === toLakeLine(b);

/**
 * Checks the archive against the log, hour by hour, walking both in read order side by side
 * (one object in memory at a time): every object's bytes against its count and checksum, every
 * event of the log up to the last archived one present exactly once and equal to the log's
 * (as stored), nothing the log does not hold. `store` must read events as stored (no registry).
 */
export async function verifyLake(
  sink: LakeSink,
  store: Pick<EventStore, 'readAll'>,
): Promise<LakeReport> {
  const hours = new Map<string, HourTally>();
  const hourTally = (hour: string) => {
    let found = hours.get(hour);
    if (found === undefined) hours.set(hour, (found = tally()));
    return found;
  };
  const objects = await objectsInReadOrder(sink);
  const tail = objects.reduce<Cursor | undefined>(
    (last, object) => (last === undefined || object.to > last ? object.to : last),
    undefined,
  );
  const log = store.readAll()[Symbol.asyncIterator]();
  let next = await log.next();
  let notYetArchived = 0;
  /** Log events before `cursor` the lake did not hold (or, past the tail, does not yet). */
  const passLogUntil = async (cursor: Cursor | undefined) => {
    while (next.done !== true && (cursor === undefined || next.value.cursor < cursor)) {
      const event = next.value;
      const hour = hourTally(hourOf(event.recordedAt));
      if (tail !== undefined && event.cursor <= tail) {
        hour.logEvents++;
        hour.missing.push(event.globalPosition);
      } else {
        notYetArchived++;
      }
      next = await log.next();
    }
  };
  let lastArchived: Cursor | undefined;
  for (const object of objects) {
    const hour = hourTally(object.hour);
    hour.objects++;
    const events = await readObject(sink, object.key);
    if (events === undefined) {
      hour.corrupt.push(object.key);
      continue;
    }
    for (const event of events) {
      const eventHour = hourTally(hourOf(event.recordedAt));
      eventHour.lakeEvents++;
      if (lastArchived !== undefined && event.cursor <= lastArchived) {
        eventHour.duplicates.push(event.globalPosition);
        continue;
      }
      lastArchived = event.cursor;
      await passLogUntil(event.cursor);
      if (next.done !== true && next.value.cursor === event.cursor) {
        eventHour.logEvents++;
        if (!sameEvent(next.value, event)) eventHour.foreign.push(event.globalPosition);
        next = await log.next();
      } else {
        eventHour.foreign.push(event.globalPosition);
      }
    }
  }
  await passLogUntil(undefined);
  const report = [...hours]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hour, found]) => ({ hour, ...found }));
  const ok = report.every(
    (hour) =>
      hour.missing.length + hour.duplicates.length + hour.foreign.length + hour.corrupt.length ===
      0,
  );
  return { hours: report, notYetArchived, ok };
}
