import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import type { EventStore, StoredEvent } from '../store/index.js';
import { fromLakeLine, toLakeLine } from './envelope.js';
import { hourOf, MESSAGES_DIR, parseObjectKey } from './keys.js';
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
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
    if (sha256 !== object.sha256 || lines.length !== object.count) return undefined;
    return lines.map(fromLakeLine);
  } catch {
    return undefined;
  }
}

/** The same event as stored: everything the archive promises to keep, in its line's form. */
const sameEvent = (a: StoredEvent, b: StoredEvent) => toLakeLine(a) === toLakeLine(b);

/**
 * Checks the archive against the log, hour by hour: every object's bytes against its count and
 * checksum, every event of the log present exactly once and equal to the log's (as stored),
 * nothing the log does not hold. `store` must read events as stored (no registry).
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
  const archived = new Map<number, StoredEvent>();
  for await (const key of sink.list(`${MESSAGES_DIR}/`)) {
    const name = parseObjectKey(key);
    if (name === undefined) continue;
    const hour = hourTally(name.hour);
    hour.objects++;
    const events = await readObject(sink, key);
    if (events === undefined) {
      hour.corrupt.push(key);
      continue;
    }
    for (const event of events) {
      hour.lakeEvents++;
      if (archived.has(event.globalPosition)) hour.duplicates.push(event.globalPosition);
      else archived.set(event.globalPosition, event);
    }
  }
  for await (const event of store.readAll()) {
    const hour = hourTally(hourOf(event.recordedAt));
    hour.logEvents++;
    const copy = archived.get(event.globalPosition);
    if (copy === undefined) hour.missing.push(event.globalPosition);
    else if (!sameEvent(copy, event)) hour.foreign.push(event.globalPosition);
    archived.delete(event.globalPosition);
  }
  for (const [position, event] of archived)
    hourTally(hourOf(event.recordedAt)).foreign.push(position);
  const report = [...hours]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hour, found]) => ({ hour, ...found }));
  const ok = report.every(
    (hour) =>
      hour.missing.length + hour.duplicates.length + hour.foreign.length + hour.corrupt.length ===
      0,
  );
  return { hours: report, ok };
}
