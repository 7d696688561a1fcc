import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import type { StoredEvent } from '../store/index.js';
import { toLakeLine } from './envelope.js';
import { hourOf, objectKey, type LakeLayout } from './keys.js';

/** An object for the sink: its key, its JSON lines, and what its metadata says. */
export interface LakeObject {
  readonly key: string;
  /**
   * The JSON lines, each ending in a newline, in parts of about `PART_BYTES` (cut between
   * lines, by size alone): each part is gzipped on its own, in parallel (`gzipped`).
   */
  readonly parts: readonly string[];
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

/**
 * Text is gzipped in parts of about this many bytes, each a gzip member of its own, so the
 * parts of an object are compressed on several threads at once. Deflate looks back 32 KiB at
 * most: parts this large compress as well as one whole.
 */
const PART_BYTES = 1 << 20;

/** `lines` (each without its newline) as parts of about `PART_BYTES`, each line ending in one. */
function partsOf(lines: readonly string[]): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  lines.forEach((line, index) => {
    bytes += line.length + 1;
    if (bytes >= PART_BYTES || index === lines.length - 1) {
      parts.push(`${lines.slice(start, index + 1).join('\n')}\n`);
      start = index + 1;
      bytes = 0;
    }
  });
  return parts;
}

/** The object of `lines` (events `events`) of `hour`. */
function objectOf(
  hour: string,
  [first, ...others]: readonly [StoredEvent, ...StoredEvent[]],
  lines: readonly string[],
  layout: LakeLayout,
): LakeObject {
  const last = others.at(-1) ?? first;
  const parts = partsOf(lines);
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return {
    key: objectKey(hour, first.cursor, last.cursor, layout),
    parts,
    count: others.length + 1,
    sha256: hash.digest('hex'),
    to: last.cursor,
  };
}

/** An object's JSON lines as one text (what `sha256` is the checksum of). */
export const textOf = (object: LakeObject): string => object.parts.join('');

const gzipAsync = promisify(gzip);

const GZIP_LEVEL = 1;

const HOUR_MS = 3_600_000;

/**
 * The bytes an object is stored as: its parts gzipped one member each — concatenated members
 * are one gzip stream to every reader (Node's zlib, DuckDB, zcat) — on zlib's thread pool, all
 * at once (the archiver's time went mostly into gzip on one thread). Level 1: objects a
 * quarter larger than at level 6 for half its CPU (`bench/RESULTS.md`, lake); queries read
 * compacted Parquet anyway.
 * A zero mtime and fixed parts: the same events give the same bytes whenever they are written.
 */
export async function gzipped(object: LakeObject): Promise<Uint8Array> {
  const members = await Promise.all(
    object.parts.map((part) => gzipAsync(part, { level: GZIP_LEVEL, chunkSize: PART_BYTES * 2 })),
  );
  return Buffer.concat(members);
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
