import { v7 as uuidv7 } from 'uuid';

import type { NewEvent } from '../src/store/index.js';
import {
  median,
  percentile,
  perSecond,
  printTable,
  runConcurrently,
  sampleMemory,
  type Run,
} from './support/measure.js';
import { pgliteTarget, postgresTarget, type BenchTarget } from './support/targets.js';

// The same row shape for the store and the raw baseline: a typical small domain event.
const DATA = {
  projectId: 'project-1',
  name: 'Quarterly planning',
  ownerId: 'user-42',
  tags: ['q3', 'ops'],
};
const METADATA = { correlationId: '01890a5d-ac96-774b-bcce-b302099a8057', actor: 'user-42' };
const TYPE = 'projects.ProjectCreated';

const RAW_INSERT_ONE = `INSERT INTO raw_events
  (event_id, stream_id, stream_version, type, schema_version, data, metadata)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const RAW_INSERT_MANY = `INSERT INTO raw_events
  (event_id, stream_id, stream_version, type, schema_version, data, metadata)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::integer[],
                       $6::jsonb[], $7::jsonb[])`;

// The keyset Strata's reader must use, with its visibility rule: in (transaction id, position)
// order and below the oldest open transaction (a cheaper query on the position alone would
// skip events, so it would not be a baseline of the same work).
const RAW_READ_PAGE = `SELECT global_position, event_id, stream_id, stream_version, type,
    schema_version, data, metadata, recorded_at, transaction_id
  FROM raw_events
  WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
  ORDER BY transaction_id, global_position LIMIT $3`;

interface Sizes {
  readonly rounds: number;
  readonly singleOps: Record<number, number>;
  readonly batchOps: Record<number, number>;
  readonly readAllEvents: number;
}

const FULL: Sizes = {
  rounds: 3,
  singleOps: { 1: 1500, 16: 6000 },
  batchOps: { 1: 60, 16: 240 },
  readAllEvents: 200_000,
};
const QUICK: Sizes = {
  rounds: 1,
  singleOps: { 1: 200, 16: 800 },
  batchOps: { 1: 10, 16: 32 },
  readAllEvents: 20_000,
};

const BATCH = 100;
let streamCounter = 0;
const freshStream = () => `project-${process.pid}-${streamCounter++}`;

/** One comparison row: the store's figure, the raw figure, and their ratio. */
interface Comparison {
  readonly label: string;
  readonly store: Run[];
  readonly raw: Run[];
  readonly eventsPerOperation: number;
}

/**
 * Runs store and raw alternately, `rounds` times each, so drift of a noisy machine (checkpoints,
 * other tenants) hits both sides alike; the medians are compared.
 */
async function compare(
  label: string,
  rounds: number,
  eventsPerOperation: number,
  store: () => Promise<Run>,
  raw: () => Promise<Run>,
): Promise<Comparison> {
  const result: Comparison = { label, store: [], raw: [], eventsPerOperation };
  for (let round = 0; round < rounds; round++) {
    result.raw.push(await raw());
    result.store.push(await store());
  }
  return result;
}

function comparisonRow(comparison: Comparison): string[] {
  const rate = (runs: Run[]) =>
    median(runs.map((run) => (run.operations * comparison.eventsPerOperation) / run.seconds));
  const latency = (runs: Run[], p: number) =>
    median(runs.map((run) => percentile(run.latencies, p)));
  const store = rate(comparison.store);
  const raw = rate(comparison.raw);
  return [
    comparison.label,
    perSecond(store),
    `${latency(comparison.store, 50).toFixed(2)} / ${latency(comparison.store, 99).toFixed(2)} ms`,
    perSecond(raw),
    `${latency(comparison.raw, 50).toFixed(2)} / ${latency(comparison.raw, 99).toFixed(2)} ms`,
    `${Math.round((store / raw) * 100)}%`,
  ];
}

async function singleEventAppends(target: BenchTarget, concurrency: number, sizes: Sizes) {
  const total = sizes.singleOps[concurrency]!;
  const event: NewEvent = { type: TYPE, data: DATA, metadata: METADATA };
  return compare(
    `1-event appends, ${concurrency} writer${concurrency > 1 ? 's' : ''}`,
    sizes.rounds,
    1,
    () =>
      runConcurrently(concurrency, total, () =>
        target.store.appendToStream(freshStream(), [event], { expectedVersion: 0 }),
      ),
    () =>
      runConcurrently(concurrency, total, () =>
        target.raw.query(
          RAW_INSERT_ONE,
          [uuidv7(), freshStream(), 1, TYPE, 1, JSON.stringify(DATA), JSON.stringify(METADATA)],
          'bench_raw_insert_one',
        ),
      ),
  );
}

async function batchAppends(target: BenchTarget, concurrency: number, sizes: Sizes) {
  const total = sizes.batchOps[concurrency]!;
  const events: NewEvent[] = Array.from({ length: BATCH }, () => ({
    type: TYPE,
    data: DATA,
    metadata: METADATA,
  }));
  const versions = Array.from({ length: BATCH }, (_, index) => index + 1);
  return compare(
    `${BATCH}-event appends, ${concurrency} writer${concurrency > 1 ? 's' : ''}`,
    sizes.rounds,
    BATCH,
    () =>
      runConcurrently(concurrency, total, () =>
        target.store.appendToStream(freshStream(), events, { expectedVersion: 0 }),
      ),
    () =>
      runConcurrently(concurrency, total, () => {
        const streamId = freshStream();
        return target.raw.query(
          RAW_INSERT_MANY,
          [
            versions.map(() => uuidv7()),
            versions.map(() => streamId),
            versions,
            versions.map(() => TYPE),
            versions.map(() => 1),
            versions.map(() => JSON.stringify(DATA)),
            versions.map(() => JSON.stringify(METADATA)),
          ],
          'bench_raw_insert_many',
        );
      }),
  );
}

/** Fills both tables to `count` events with batch appends. */
async function fillLog(target: BenchTarget, count: number): Promise<void> {
  const [row] = await target.raw.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM events',
  );
  const events: NewEvent[] = Array.from({ length: 1000 }, () => ({
    type: TYPE,
    data: DATA,
    metadata: METADATA,
  }));
  for (let have = row?.count ?? 0; have < count; have += events.length) {
    await target.store.appendToStream(freshStream(), events);
  }
  await target.raw.exec('TRUNCATE raw_events');
  await target.raw.exec('INSERT INTO raw_events OVERRIDING SYSTEM VALUE SELECT * FROM events');
}

async function readAll(target: BenchTarget, sizes: Sizes): Promise<string[][]> {
  await fillLog(target, sizes.readAllEvents);
  const rows: string[][] = [];
  for (let round = 0; round < sizes.rounds; round++) {
    global.gc?.();
    const stopStore = sampleMemory();
    const heapBefore = process.memoryUsage().heapUsed / 2 ** 20;
    let count = 0;
    const started = performance.now();
    for await (const event of target.store.readAll({ batchSize: 1000 })) {
      if (event.globalPosition > 0) count++;
    }
    const storeSeconds = (performance.now() - started) / 1000;
    const storeMemory = stopStore();

    global.gc?.();
    const rawStarted = performance.now();
    let rawCount = 0;
    let after = { transaction_id: 0, global_position: 0 };
    for (;;) {
      const page = await target.raw.query<typeof after>(
        RAW_READ_PAGE,
        [after.transaction_id, after.global_position, 1000],
        'bench_raw_read_page_keyset',
      );
      rawCount += page.length;
      if (page.length < 1000) break;
      after = page.at(-1)!;
    }
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    rows.push([
      `readAll ${count.toLocaleString('en-US')} events (round ${round + 1})`,
      perSecond(count / storeSeconds),
      `heap peak ${storeMemory.peakHeapMB.toFixed(0)} MB (start ${heapBefore.toFixed(0)} MB), rss peak ${storeMemory.peakRssMB.toFixed(0)} MB`,
      perSecond(rawCount / rawSeconds),
      '(transaction id, position) keyset SELECT below the horizon, 1000 rows a page',
      `${Math.round((count / storeSeconds / (rawCount / rawSeconds)) * 100)}%`,
    ]);
  }
  return rows;
}

async function benchmarkTarget(target: BenchTarget, sizes: Sizes): Promise<void> {
  await target.raw.exec('CREATE TABLE IF NOT EXISTS raw_events (LIKE events INCLUDING ALL)');
  const comparisons: Comparison[] = [];
  for (const concurrency of [1, 16])
    comparisons.push(await singleEventAppends(target, concurrency, sizes));
  for (const concurrency of [1, 16])
    comparisons.push(await batchAppends(target, concurrency, sizes));
  printTable(
    `append: ${target.description}; medians of ${sizes.rounds} alternating round(s)`,
    ['case', 'store', 'store p50 / p99', 'raw limit', 'raw p50 / p99', 'store / raw'],
    comparisons.map(comparisonRow),
  );
  printTable(
    `readAll: ${target.description}`,
    ['case', 'store', 'memory', 'raw limit', 'raw method', 'store / raw'],
    await readAll(target, sizes),
  );
}

/** `npm run bench -- append [--quick] [--only=postgres|pglite]` */
export async function appendBenchmark(args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  if (only === undefined || only === 'postgres') {
    const target = await postgresTarget(20);
    try {
      await benchmarkTarget(target, sizes);
    } finally {
      await target.close();
    }
  }
  if (only === undefined || only === 'pglite') {
    const target = await pgliteTarget();
    try {
      await benchmarkTarget(target, sizes);
    } finally {
      await target.close();
    }
  }
}
