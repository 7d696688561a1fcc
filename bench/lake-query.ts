import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';

import {
  compactLake,
  lakeCatalog,
  MESSAGES_DIR,
  queryLake,
  type LakeSink,
} from '../src/lake/index.js';
import { median, perSecond, printTable } from './support/measure.js';

/** The query issue 10 asks the time of. */
const QUERY = 'SELECT type, count(*) AS events FROM events GROUP BY type';

type Format = 'jsonl' | 'parquet';

/**
 * One archive twice: as the archiver wrote it (raw JSON lines), and a copy of it to compact into
 * Parquet. Two lakes, because once a lake is compacted its queries read Parquet only: the copy
 * lets JSON lines and Parquet rounds alternate, as the benchmark's other cases do.
 */
export interface QueryLakes {
  readonly name: string;
  /** Holds the archive, written by the archiver. */
  readonly jsonl: LakeSink;
  /** Empty: the benchmark copies the archive into it and compacts it. */
  readonly parquet: LakeSink;
}

export interface LakeQuerySizes {
  readonly events: number;
  readonly rounds: number;
  /** What wrote the archives, for the titles. */
  readonly description: string;
  /** A directory of the caller's, for the query caches. */
  readonly scratch: string;
}

interface Compaction {
  readonly seconds: number;
  readonly files: number;
  readonly jsonlBytes: number;
  readonly parquetBytes: number;
}

interface LakeFigures {
  readonly name: string;
  readonly compaction: Compaction;
  /** Milliseconds: the first query (an empty cache), then each round's. */
  readonly first: Record<Format, number>;
  readonly rounds: Record<Format, number[]>;
}

/** The milliseconds of `QUERY` over `sink`, checked to count `total` events from `format` only. */
async function timedQuery(sink: LakeSink, format: Format, total: number, cacheDir: string) {
  const started = performance.now();
  const result = await queryLake(sink, QUERY, { cacheDir });
  const ms = performance.now() - started;
  const counted = result.rows.reduce((sum, [, events]) => sum + Number(events), 0);
  if (counted !== total)
    throw new Error(`the query over ${format} counted ${counted}, not ${total}`);
  const other = format === 'jsonl' ? 'parquet' : 'jsonl';
  if (result.read[format] === 0 || result.read[other] !== 0) {
    throw new Error(`the query over ${format} read ${JSON.stringify(result.read)}`);
  }
  return ms;
}

/** Copies every object of `from` into `to`; returns the bytes copied. */
async function copyLake(from: LakeSink, to: LakeSink): Promise<number> {
  let bytes = 0;
  for await (const key of from.list(`${MESSAGES_DIR}/`)) {
    const object = await from.get(key);
    if (object === undefined) throw new Error(`${key} vanished from ${from.location}`);
    await to.put(key, object);
    bytes += object.body.byteLength;
  }
  return bytes;
}

/** Compacts `sink` by hour, checking its report against the raw objects: one file an hour. */
async function timedCompaction(sink: LakeSink, total: number, cacheDir: string) {
  const { raw } = await lakeCatalog(sink);
  const started = performance.now();
  const report = await compactLake(sink, { by: 'hour', cacheDir });
  const seconds = (performance.now() - started) / 1000;
  const hours = new Set(raw.map((object) => object.hour)).size;
  const events = report.written.reduce((sum, file) => sum + file.events, 0);
  const objects = report.written.reduce((sum, file) => sum + file.objects, 0);
  if (
    report.upToDate !== 0 ||
    report.written.length !== hours ||
    events !== total ||
    objects !== raw.length
  ) {
    throw new Error(
      `compactLake wrote ${report.written.length} files (${events} events, ${objects} objects; ` +
        `${report.upToDate} up to date) of ${raw.length} objects over ${hours} hours`,
    );
  }
  let parquetBytes = 0;
  for (const file of report.written) parquetBytes += (await sink.get(file.key))!.body.byteLength;
  return { seconds, files: report.written.length, parquetBytes };
}

async function measureLake(lakes: QueryLakes, sizes: LakeQuerySizes): Promise<LakeFigures> {
  const total = sizes.events;
  const cache = (name: string) => mkdtemp(path.join(sizes.scratch, `${name}-`));
  const jsonlBytes = await copyLake(lakes.jsonl, lakes.parquet);
  const compaction = await timedCompaction(lakes.parquet, total, await cache('compact'));
  // Fresh caches: a remote lake's first query copies its objects into one, later ones reuse it.
  const caches = { jsonl: await cache('jsonl'), parquet: await cache('parquet') };
  const run = (format: Format) => timedQuery(lakes[format], format, total, caches[format]);
  const first = { jsonl: await run('jsonl'), parquet: await run('parquet') };
  const rounds: Record<Format, number[]> = { jsonl: [], parquet: [] };
  for (let round = 0; round < sizes.rounds; round++) {
    const order: Format[] = round % 2 === 0 ? ['jsonl', 'parquet'] : ['parquet', 'jsonl'];
    for (const format of order) rounds[format].push(await run(format));
  }
  return { name: lakes.name, compaction: { ...compaction, jsonlBytes }, first, rounds };
}

const milliseconds = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const times = (ratio: number) => `${ratio.toFixed(1)}×`;

function printFigures(all: readonly LakeFigures[], sizes: LakeQuerySizes): void {
  const events = sizes.events.toLocaleString('en-US');
  printTable(
    `lake query: \`${QUERY}\` over ${events} archived events, the first query (fresh cache: ` +
      `S3 objects are copied into it) then ${sizes.rounds} alternating rounds (median) — ${sizes.description}`,
    [
      'lake',
      'query',
      'JSONL (gzip)',
      'Parquet (zstd)',
      'JSONL ÷ Parquet',
      'JSONL rounds',
      'Parquet rounds',
    ],
    all.flatMap(({ name, first, rounds }) => {
      const jsonl = median(rounds.jsonl);
      const parquet = median(rounds.parquet);
      return [
        [
          name,
          'first',
          milliseconds(first.jsonl),
          milliseconds(first.parquet),
          times(first.jsonl / first.parquet),
          '',
          '',
        ],
        [
          name,
          'median',
          milliseconds(jsonl),
          milliseconds(parquet),
          times(jsonl / parquet),
          rounds.jsonl.map(milliseconds).join(', '),
          rounds.parquet.map(milliseconds).join(', '),
        ],
      ];
    }),
  );
  printTable(
    `lake compact --by hour of the same ${events} events, once (S3: raw objects copied into an empty cache first)`,
    [
      'lake',
      'Parquet files',
      'seconds',
      'events/s',
      'JSONL bytes',
      'Parquet bytes',
      'Parquet ÷ JSONL',
    ],
    all.map(({ name, compaction }) => [
      name,
      String(compaction.files),
      compaction.seconds.toFixed(1),
      perSecond(sizes.events / compaction.seconds),
      megabytes(compaction.jsonlBytes),
      megabytes(compaction.parquetBytes),
      `${Math.round((compaction.parquetBytes / compaction.jsonlBytes) * 100)}%`,
    ]),
  );
}

/**
 * Issue 10's figures: the time of `QUERY` over each archive as JSON lines and as Parquet, side
 * by side, and what compacting it took. Every query is checked to count every event, from the
 * format it is timed for only.
 */
export async function lakeQueryBenchmark(
  lakes: readonly QueryLakes[],
  sizes: LakeQuerySizes,
): Promise<void> {
  const all: LakeFigures[] = [];
  for (const lake of lakes) all.push(await measureLake(lake, sizes));
  printFigures(all, sizes);
}
