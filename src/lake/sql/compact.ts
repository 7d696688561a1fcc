import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { StrataError } from '../../errors.js';
import { compactedKey, layoutOf, type CompactedName, type LakeObjectName } from '../keys.js';
import type { LakeSink } from '../sink.js';
import { lakeCatalog, type HourRange } from './catalog.js';
import { selectJsonLines } from './columns.js';
import { openDuckDb, sqlString, type DuckDb } from './duckdb.js';
import { localFiles } from './local-files.js';
import { holds } from './plan.js';

/** A compacted file would not hold the events its raw objects say they hold. */
export class LakeCompactionError extends StrataError {
  readonly code = 'LAKE_COMPACTION_FAILED';
}

/** What `compactLake` compacts, and where S3 objects are copied to first. */
export interface LakeCompactionOptions extends HourRange {
  /** One Parquet file per hour, or per day. */
  readonly by: 'hour' | 'day';
  readonly cacheDir: string;
}

/** A Parquet file written. */
export interface CompactedFile {
  readonly key: string;
  readonly events: number;
  readonly objects: number;
}

export interface LakeCompactionReport {
  readonly written: readonly CompactedFile[];
  /** Hours or days whose Parquet file already holds every raw object. */
  readonly upToDate: number;
}

/** The raw objects of each span (hour or day), spans in order. */
function bySpan(raw: readonly LakeObjectName[], by: 'hour' | 'day') {
  const spans = new Map<string, LakeObjectName[]>();
  for (const object of raw) {
    const span = by === 'hour' ? object.hour : object.hour.slice(0, 10);
    const objects = spans.get(span);
    if (objects === undefined) spans.set(span, [object]);
    else objects.push(object);
  }
  return [...spans].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The events the raw `objects` hold, by their metadata. */
async function eventsIn(sink: LakeSink, objects: readonly LakeObjectName[]): Promise<number> {
  let events = 0;
  for (const object of objects) {
    const metadata = await sink.metadata(object.key);
    if (metadata === undefined) throw new LakeCompactionError(`${object.key} has no metadata`);
    events += metadata.count;
  }
  return events;
}

/** Writes the Parquet file of `objects` (one span, in read order) at `key`. */
async function compactSpan(
  sink: LakeSink,
  duckDb: DuckDb,
  key: string,
  objects: readonly LakeObjectName[],
  cacheDir: string,
): Promise<CompactedFile> {
  const expected = await eventsIn(sink, objects);
  const files = await localFiles(
    sink,
    objects.map((object) => object.key),
    cacheDir,
  );
  const scratch = await mkdtemp(path.join(tmpdir(), 'strata-compact-'));
  try {
    const file = sqlString(path.join(scratch, 'compacted.parquet'));
    await duckDb.connection.run(
      `COPY (${selectJsonLines(files.map(sqlString))}) TO ${file} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const reader = await duckDb.connection.runAndReadAll(
      `SELECT count(*) FROM read_parquet(${file})`,
    );
    const events = Number(reader.getRowsJS()[0]?.[0]);
    if (events !== expected) {
      throw new LakeCompactionError(
        `${key} would hold ${events} events, but its raw objects say ${expected}`,
      );
    }
    const body = await readFile(path.join(scratch, 'compacted.parquet'));
    const sha256 = createHash('sha256').update(body).digest('hex');
    await sink.put(key, { body, count: events, sha256 });
    return { key, events, objects: objects.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Compacts the archive's raw objects into Parquet (zstd) beside them, one file per hour or day
 * (`compactedKey`), each checked to hold as many events as its objects' metadata says. Raw
 * objects stay: they are what `verify` and `replay` read. A span whose file already holds
 * every raw object is left as it is; one that gained objects gets a new, wider file, which
 * queries prefer (`planLakeRead`).
 */
export async function compactLake(
  sink: LakeSink,
  options: LakeCompactionOptions,
): Promise<LakeCompactionReport> {
  // Whole days: a day's file holds every object of its day whose range it spans.
  const range =
    options.by === 'day'
      ? {
          ...(options.from === undefined ? {} : { from: `${options.from.slice(0, 10)}T00` }),
          ...(options.to === undefined ? {} : { to: `${options.to.slice(0, 10)}T23` }),
        }
      : options;
  const catalog = await lakeCatalog(sink, range);
  const written: CompactedFile[] = [];
  let upToDate = 0;
  const duckDb = await openDuckDb();
  try {
    for (const [span, objects] of bySpan(catalog.raw, options.by)) {
      const current = (file: CompactedName) =>
        file.span === span && objects.every((object) => holds(file, object));
      if (catalog.compacted.some(current)) {
        upToDate++;
        continue;
      }
      const [first, last] = [objects[0], objects.at(-1)];
      if (first === undefined || last === undefined) continue;
      const key = compactedKey(span, first.from, last.to, layoutOf(first.key));
      written.push(await compactSpan(sink, duckDb, key, objects, options.cacheDir));
    }
  } finally {
    duckDb.close();
  }
  return { written, upToDate };
}
