import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import type { StoredEvent } from '../store/index.js';
import { toLakeLine } from './envelope.js';
import { hourOf, objectKey, type LakeLayout } from './keys.js';

/** An object ready for the sink: its key, gzipped JSON lines, and what its metadata says. */
export interface LakeObject {
  readonly key: string;
  readonly body: Uint8Array;
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
    // gzip with a zero mtime: the same events give the same bytes, whenever they are written.
    body: gzipSync(text),
    count: others.length + 1,
    sha256: createHash('sha256').update(text).digest('hex'),
    to: last.cursor,
  };
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
  for (const event of events) {
    const line = toLakeLine(event);
    const size = Buffer.byteLength(line) + 1;
    const eventHour = hourOf(event.recordedAt);
    const full =
      group.length >= limits.maxEvents || (group.length > 0 && bytes + size > limits.maxBytes);
    if (eventHour !== hour || full) close();
    hour = eventHour;
    group.push(event);
    lines.push(line);
    bytes += size;
  }
  close();
  return objects;
}
