import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import type { StoredEvent } from '../store/index.js';
import { toLakeLine } from './envelope.js';
import { hourOf, objectKey, type LakeLayout } from './keys.js';

/** An object for the sink: its key, its JSON lines, and what its metadata says. */
export interface LakeObject {
  readonly key: string;
  /** The JSON lines, each ending in a newline; stored gzipped (`gzipped`). */
  readonly text: string;
  /** Events in it. */
  readonly count: number;
  /** SHA-256 (hex) of the uncompressed JSON lines: what `verify` recomputes. */
  readonly sha256: string;
  /** The cursor of its last event. */
  readonly to: StoredEvent['cursor'];
}

/** Where one object closes. */
export interface ObjectLimits {
  readonly layout: LakeLayout;
  /** Most events per object. */
  readonly maxEvents: number;
  /** Most bytes of uncompressed JSON lines per object (one larger event is an object alone). */
  readonly maxBytes: number;
}

/** The object of `lines` (events `events`) of `hour`. */
function objectOf(
  hour: string,
  [first, ...others]: readonly [StoredEvent, ...StoredEvent[]],
  lines: readonly string[],
  layout: LakeLayout,
): LakeObject {
  const last = others.at(-1) ?? first;
  const text = `${lines.join('\n')}\n`;
  return {
    key: objectKey(hour, first.cursor, last.cursor, layout),
    text,
    count: others.length + 1,
    sha256: createHash('sha256').update(text).digest('hex'),
    to: last.cursor,
  };
}

const gzipAsync = promisify(gzip);

const HOUR_MS = 3_600_000;

/**
 * The bytes an object is stored as: its lines gzipped, off the main thread (zlib's thread pool,
 * so the next page is read meanwhile), with a zero mtime: the same events give the same bytes
 * whenever they are written.
 */
export async function gzipped(object: LakeObject): Promise<Uint8Array> {
  return gzipAsync(object.text);
}

/**
 * Cuts `events` (in log order) into objects: a new one at each change of the UTC hour of
 * `recordedAt`, and when the count or the byte limit would be passed. Deterministic: the same
 * events and limits give the same keys and bytes.
 */
export function lakeObjects(events: readonly StoredEvent[], limits: ObjectLimits): LakeObject[] {
  const objects: LakeObject[] = [];
  let hour: string | undefined;
  let group: StoredEvent[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const close = () => {
    const [first, ...others] = group;
    if (hour !== undefined && first !== undefined) {
      objects.push(objectOf(hour, [first, ...others], lines, limits.layout));
    }
    group = [];
    lines = [];
    bytes = 0;
  };
  // Hours compared as numbers: formatting each event's hour was a tenth of the archiver's time.
  let hourNumber = Number.NaN;
  for (const event of events) {
    const line = toLakeLine(event);
    const size = Buffer.byteLength(line) + 1;
    const eventHour = Math.floor(event.recordedAt.getTime() / HOUR_MS);
    const full =
      group.length >= limits.maxEvents || (group.length > 0 && bytes + size > limits.maxBytes);
    if (eventHour !== hourNumber || full) close();
    if (eventHour !== hourNumber) hour = hourOf(event.recordedAt);
    hourNumber = eventHour;
    group.push(event);
    lines.push(line);
    bytes += size;
  }
  close();
  return objects;
}
