import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CreateBucketCommand } from '@aws-sdk/client-s3';

import { createLakeArchiver, directorySink, type LakeSink } from '../src/lake/index.js';
import { encodeCursor, type Cursor } from '../src/store/index.js';
import { createSubscriptionEngine } from '../src/subscriptions/index.js';
import {
  s3ClientFor,
  startS3Server,
  swiftInstalled,
  type TestS3Server,
} from '../test/support/s3-server.js';
import { lakeQueryBenchmark, type QueryLakes } from './lake-query.js';
import { fillLog } from './support/bus-fixture.js';
import { BENCH_BUCKET, freshS3Sink } from './support/lake-sinks.js';
import { median, perSecond, printTable, sampleMemory } from './support/measure.js';
import { pgliteTarget, postgresTarget, type BenchTarget } from './support/targets.js';

interface Sizes {
  readonly events: number;
  readonly rounds: number;
  /** Rounds of the lake query, shorter than an archiving round. */
  readonly queryRounds: number;
}
const FULL: Sizes = { events: 1_000_000, rounds: 3, queryRounds: 5 };
const QUICK: Sizes = { events: 50_000, rounds: 2, queryRounds: 3 };

/** The archiver's settings for the run: its defaults, but no lingering (the log is all there). */
const ARCHIVER = { maxEvents: 10_000, lingerMs: 0 };

interface Round {
  readonly rate: number;
  readonly peakRssMB: number;
  readonly peakHeapMB: number;
}

/** The baseline: the store's own `readAll` over the whole log, as stored. */
async function readAllRound(target: BenchTarget, total: number): Promise<Round> {
  const memory = sampleMemory();
  const started = performance.now();
  let count = 0;
  for await (const _event of target.store.readAll()) count++;
  const seconds = (performance.now() - started) / 1000;
  if (count !== total) throw new Error(`readAll read ${count}, not ${total}`);
  return { rate: total / seconds, ...memory() };
}

/** The archiver on a subscription engine, from the log's start until it has the last event. */
async function archiveRound(target: BenchTarget, sink: LakeSink, last: Cursor, total: number) {
  const name = `lake:bench-${crypto.randomUUID().slice(0, 8)}`;
  const archiver = createLakeArchiver({ sink, subscriberName: name, ...ARCHIVER });
  const engine = createSubscriptionEngine({ store: target.store, pollIntervalMs: 1_000 });
  engine.add(archiver.subscriber);
  const memory = sampleMemory();
  const started = performance.now();
  engine.start();
  try {
    if (!(await engine.waitUntilCaughtUp(name, last, 1_800_000))) {
      throw new Error('the archiver did not catch up');
    }
    const seconds = (performance.now() - started) / 1000;
    return { rate: total / seconds, ...memory() };
  } finally {
    const stopped = engine.stop();
    archiver.stop();
    await stopped;
  }
}

/** A fresh directory sink, removed after the round. */
async function directoryRound(target: BenchTarget, last: Cursor, total: number) {
  const root = await mkdtemp(path.join(tmpdir(), 'strata-bench-lake-'));
  try {
    return await archiveRound(target, directorySink(root), last, total);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A fresh prefix in the benchmark's S3 bucket. */
async function s3Round(target: BenchTarget, server: TestS3Server, last: Cursor, total: number) {
  const sink = freshS3Sink(server, 'round');
  try {
    return await archiveRound(target, sink, last, total);
  } finally {
    sink.close();
  }
}

/** Issue 10's query figures, over lakes this target's archiver writes: a directory, and S3. */
async function benchQueries(
  target: BenchTarget,
  last: Cursor,
  sizes: Sizes,
  server: TestS3Server | undefined,
) {
  const root = await mkdtemp(path.join(tmpdir(), 'strata-bench-lake-query-'));
  const lakes: QueryLakes[] = [
    {
      name: 'directory',
      jsonl: directorySink(path.join(root, 'jsonl')),
      parquet: directorySink(path.join(root, 'parquet')),
    },
  ];
  if (server !== undefined) {
    const [jsonl, parquet] = [freshS3Sink(server, 'jsonl'), freshS3Sink(server, 'parquet')];
    lakes.push({ name: 'S3 (Swift)', jsonl, parquet });
  }
  try {
    for (const lake of lakes) await archiveRound(target, lake.jsonl, last, sizes.events);
    await lakeQueryBenchmark(lakes, {
      events: sizes.events,
      rounds: sizes.queryRounds,
      description: `archived from ${target.description}`,
      scratch: root,
    });
  } finally {
    for (const lake of lakes) {
      lake.jsonl.close();
      lake.parquet.close();
    }
    await rm(root, { recursive: true, force: true });
  }
}

async function lastCursor(target: BenchTarget): Promise<Cursor> {
  const [row] = await target.raw.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  if (row === undefined) throw new Error('the log is empty');
  return encodeCursor(row.transaction_id, row.global_position);
}

async function benchTarget(
  target: BenchTarget,
  sizes: Sizes,
  server: TestS3Server | undefined,
  queries: boolean,
) {
  await fillLog(target.store, sizes.events);
  const last = await lastCursor(target);
  const cases = ['readAll', 'directory', ...(server === undefined ? [] : ['S3'])] as const;
  const rounds = new Map<string, Round[]>(cases.map((name) => [name, []]));
  for (let round = 0; round < sizes.rounds; round++) {
    for (let turn = 0; turn < cases.length; turn++) {
      const which = cases[(round + turn) % cases.length]!;
      const result =
        which === 'readAll'
          ? await readAllRound(target, sizes.events)
          : which === 'directory'
            ? await directoryRound(target, last, sizes.events)
            : await s3Round(target, server!, last, sizes.events);
      rounds.get(which)!.push(result);
    }
  }
  const baseline = median(rounds.get('readAll')!.map((round) => round.rate));
  printTable(
    `lake: ${sizes.events.toLocaleString('en-US')} events archived from the start of the log, ${sizes.rounds} rotating rounds (median) — ${target.description}`,
    ['case', 'events/s', 'rounds', 'of readAll', 'goal', 'peak RSS', 'peak heap'],
    cases.map((name) => {
      const results = rounds.get(name)!;
      const rate = median(results.map((round) => round.rate));
      return [
        name === 'readAll' ? 'store readAll (as stored), baseline' : `archiver → ${name}`,
        perSecond(rate),
        results.map((round) => perSecond(round.rate)).join(', '),
        name === 'readAll' ? '' : `${Math.round((rate / baseline) * 100)}%`,
        name === 'readAll' ? '' : '≥ 50%',
        `${Math.round(Math.max(...results.map((round) => round.peakRssMB)))} MB`,
        `${Math.round(Math.max(...results.map((round) => round.peakHeapMB)))} MB`,
      ];
    }),
  );
  if (queries) await benchQueries(target, last, sizes, server);
}

/**
 * `npm run bench -- lake [--quick] [--only=postgres|pglite]`. The query figures come once, after
 * the first database's rounds: the archive they read is the same whichever database it came from.
 */
export async function lakeBenchmark(args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  let server: TestS3Server | undefined;
  if (swiftInstalled()) {
    server = await startS3Server();
    const client = s3ClientFor(server);
    await client.send(new CreateBucketCommand({ Bucket: BENCH_BUCKET }));
    client.destroy();
    console.log(`\nS3: OpenStack Swift (s3api) of the benchmark's own at ${server.endpoint}`);
  } else {
    console.log('\n*** S3 rounds skipped: OpenStack Swift is not installed (see .ci/run) ***');
  }
  try {
    let queried = false;
    for (const [name, open] of [
      ['postgres', () => postgresTarget(10)],
      ['pglite', () => pgliteTarget()],
    ] as const) {
      if (only !== undefined && only !== name) continue;
      const target = await open();
      try {
        await benchTarget(target, sizes, server, !queried);
        queried = true;
      } finally {
        await target.close();
      }
    }
  } finally {
    await server?.destroy();
  }
}
