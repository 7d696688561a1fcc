import { Type } from 'typebox';

import { createMessageRegistry, defineEvent } from '../src/messages/index.js';
import {
  createProjectionRuntime,
  defineProjection,
  projectionSubscriber,
} from '../src/projections/index.js';
import { compareCursors, type Cursor, type NewEvent } from '../src/store/index.js';
import { createSubscriptionEngine } from '../src/subscriptions/index.js';
import { percentile, perSecond, printTable } from './support/measure.js';
import { pgliteTarget, postgresTarget, type BenchTarget } from './support/targets.js';

const CounterIncremented = defineEvent({
  name: 'bench.CounterIncremented',
  schema: Type.Object({ n: Type.Integer() }),
});
const registry = createMessageRegistry([CounterIncremented]);

interface Sizes {
  readonly events: number;
  readonly streams: number;
  readonly liveSeconds: number;
}
const FULL: Sizes = { events: 200_000, streams: 20_000, liveSeconds: 20 };
const QUICK: Sizes = { events: 20_000, streams: 2_000, liveSeconds: 4 };
const BATCH_SIZE = 500;
const LIVE_RATE = 500;

/** One document per stream, updated by every event of the stream. */
const counters = defineProjection({
  name: 'bench.counters',
  version: 1,
  events: [CounterIncremented],
  batchSize: BATCH_SIZE,
  handlers: {
    'bench.CounterIncremented': (event, views) =>
      views.collection('counters').upsert(event.streamId, {
        streamId: event.streamId,
        count: event.streamVersion,
        last: event.data.n,
      }),
  },
});

const RAW_READ = `SELECT global_position, event_id, stream_id, stream_version, type, schema_version,
    data, metadata, recorded_at, transaction_id
  FROM events
  WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    AND type = ANY($4::text[])
  ORDER BY transaction_id, global_position LIMIT $3`;

interface RawRow {
  readonly global_position: number;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly data: { n: number };
  readonly transaction_id: number;
}

async function fillLog(target: BenchTarget, sizes: Sizes): Promise<void> {
  const perStream = sizes.events / sizes.streams;
  for (let stream = 0; stream < sizes.streams; stream++) {
    const events: NewEvent[] = Array.from({ length: perStream }, (_, n) => ({
      type: CounterIncremented.name,
      data: { n },
    }));
    await target.store.appendToStream(`counter-${stream}`, events);
  }
}

/**
 * The raw limit: the same reads, and per batch the same final upserts in one statement plus a
 * checkpoint, hand-written against the same database.
 */
async function rawCatchUp(target: BenchTarget): Promise<number> {
  await target.raw.exec(`
    CREATE TABLE raw_counters (collection text, id text, data jsonb NOT NULL, PRIMARY KEY (collection, id));
    CREATE INDEX ON raw_counters USING gin (data jsonb_path_ops);
    INSERT INTO checkpoints (subscriber) VALUES ('bench-raw') ON CONFLICT DO NOTHING;`);
  let after = { transaction: 0, position: 0 };
  let count = 0;
  for (;;) {
    const rows = await target.raw.query<RawRow>(
      RAW_READ,
      [after.transaction, after.position, BATCH_SIZE, [CounterIncremented.name]],
      'bench_raw_read',
    );
    if (rows.length === 0) return count;
    const latest = new Map<string, RawRow>();
    for (const row of rows) latest.set(row.stream_id, row);
    const last = rows.at(-1)!;
    const docs = [...latest.values()];
    await target.raw.exec('BEGIN');
    await target.raw.query(
      `INSERT INTO raw_counters (collection, id, data)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
      [
        docs.map(() => 'counters'),
        docs.map((row) => row.stream_id),
        docs.map((row) =>
          JSON.stringify({ streamId: row.stream_id, count: row.stream_version, last: row.data.n }),
        ),
      ],
      'bench_raw_upsert',
    );
    await target.raw.query(
      `UPDATE checkpoints SET transaction_id = $1, global_position = $2 WHERE subscriber = 'bench-raw'`,
      [last.transaction_id, last.global_position],
      'bench_raw_checkpoint',
    );
    await target.raw.exec('COMMIT');
    count += rows.length;
    after = { transaction: last.transaction_id, position: last.global_position };
  }
}

async function benchmarkTarget(target: BenchTarget, sizes: Sizes): Promise<void> {
  await fillLog(target, sizes);
  const [last] = await target.store.readStream(`counter-${sizes.streams - 1}`, {
    direction: 'backward',
    limit: 1,
  });

  const rawStarted = performance.now();
  const rawCount = await rawCatchUp(target);
  const rawSeconds = (performance.now() - rawStarted) / 1000;

  const engine = createSubscriptionEngine({ store: target.store, pollIntervalMs: 1_000 });
  const runtime = createProjectionRuntime({ store: target.store, engine, projections: [counters] });
  const started = performance.now();
  await runtime.start();
  engine.start();
  if (!(await runtime.waitUntilCaughtUp(counters.name, last!.cursor, 600_000))) {
    throw new Error('the projection did not catch up');
  }
  const seconds = (performance.now() - started) / 1000;
  const documents = await runtime.reader(counters.name).collection('counters').count();

  printTable(
    `project: catch-up of ${sizes.events.toLocaleString('en-US')} events into ${sizes.streams.toLocaleString('en-US')} documents — ${target.description}`,
    ['case', 'store', 'raw limit', 'raw method', 'store / raw'],
    [
      [
        'catch-up, batches of 500',
        perSecond(sizes.events / seconds),
        perSecond(rawCount / rawSeconds),
        'keyset read + one multi-row upsert + checkpoint per batch',
        `${Math.round((sizes.events / seconds / (rawCount / rawSeconds)) * 100)}%`,
      ],
    ],
  );
  if (documents !== sizes.streams)
    throw new Error(`expected ${sizes.streams} documents, found ${documents}`);

  const latencies = await liveLatency(target, engine, sizes);
  printTable(
    `project: live propagation at ${LIVE_RATE} events/s for ${sizes.liveSeconds} s — ${target.description}`,
    ['case', 'events', 'p50', 'p99', 'max'],
    [
      [
        'append commit → read model committed',
        String(latencies.length),
        `${percentile(latencies, 50).toFixed(1)} ms`,
        `${percentile(latencies, 99).toFixed(1)} ms`,
        `${(latencies.at(-1) ?? Number.NaN).toFixed(1)} ms`,
      ],
    ],
  );
  await runtime.stop();
  await engine.stop();
}

/**
 * Appends at a steady rate and times each event from its append's commit to the commit of the
 * projection batch that applied it.
 */
async function liveLatency(
  target: BenchTarget,
  engine: ReturnType<typeof createSubscriptionEngine>,
  sizes: Sizes,
): Promise<number[]> {
  const subscriber = projectionSubscriber(counters.name, 1);
  const pending: { cursor: Cursor; at: number }[] = [];
  const latencies: number[] = [];
  const stop = engine.onProgress((name, cursor) => {
    if (name !== subscriber) return;
    const now = performance.now();
    while (pending.length > 0 && compareCursors(pending[0]!.cursor, cursor) <= 0) {
      latencies.push(now - pending.shift()!.at);
    }
  });
  const total = LIVE_RATE * sizes.liveSeconds;
  const interval = 1000 / LIVE_RATE;
  const started = performance.now();
  for (let index = 0; index < total; index++) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((settle) => setTimeout(settle, wait));
    const result = await target.store.appendToStream(`counter-${index % sizes.streams}`, [
      { type: CounterIncremented.name, data: { n: index } },
    ]);
    pending.push({ cursor: result.cursor!, at: performance.now() });
  }
  const deadline = Date.now() + 10_000;
  while (pending.length > 0 && Date.now() < deadline)
    await new Promise((settle) => setTimeout(settle, 10));
  stop();
  return latencies.sort((a, b) => a - b);
}

/** `npm run bench -- project [--quick] [--only=postgres|pglite]` */
export async function projectBenchmark(args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  for (const [name, open] of [
    ['postgres', () => postgresTarget(10, registry)],
    ['pglite', () => pgliteTarget(registry)],
  ] as const) {
    if (only !== undefined && only !== name) continue;
    const target = await open();
    try {
      await benchmarkTarget(target, sizes);
    } finally {
      await target.close();
    }
  }
}
