import {
  createWebhooks,
  DEFAULT_WEBHOOK_SETTINGS,
  generateSecret,
  insertEndpoint,
  webhookBody,
  webhookSubscriberName,
} from '../src/reactors/index.js';
import { compareCursors, type Cursor, type StoredEvent } from '../src/store/index.js';
import { createSubscriptionEngine, type SubscriptionEngine } from '../src/subscriptions/index.js';
import { readLog, taskAdded } from './support/bus-fixture.js';
import { median, perSecond, printTable } from './support/measure.js';
import { pgliteTarget, postgresTarget, type BenchTarget } from './support/targets.js';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink.js';

interface Sizes {
  /** Endpoints, the first of them failing (1%). */
  readonly endpoints: number;
  /** Events in the log, each delivered to every endpoint. */
  readonly events: number;
  readonly rounds: number;
}
const FULL: Sizes = { endpoints: 100, events: 1_000, rounds: 3 };
const QUICK: Sizes = { endpoints: 100, events: 200, rounds: 2 };

/** Events per stream: a page of the log holds events of many streams, as in a busy app. */
const EVENTS_PER_STREAM = 10;

/** The endpoints' URLs: one in a hundred answers 503 to everything. */
const endpointUrls = (sink: WebhookSink, count: number): string[] =>
  Array.from({ length: count }, (_, index) =>
    index % 100 === 0 ? `${sink.url}/fail/${index}` : `${sink.url}/ok/${index}`,
  );

/** Appends `total` events one per append, round robin over `total / 10` streams. */
async function fillLog(target: BenchTarget, total: number): Promise<void> {
  const streams = Math.max(1, Math.floor(total / EVENTS_PER_STREAM));
  for (let n = 0; n < total; n++) {
    await target.store.appendToStream(`order-${n % streams}`, [taskAdded(n)]);
  }
}

/** Forgets the endpoints of the round before, their checkpoints, parked events and log. */
async function clearEndpoints(target: BenchTarget): Promise<void> {
  await target.raw.exec(`
    DELETE FROM webhook_endpoints;
    DELETE FROM checkpoints WHERE subscriber LIKE 'effect:webhook:%';
    DELETE FROM parked_events WHERE subscriber LIKE 'effect:webhook:%';
    DELETE FROM side_effect_attempts;`);
}

/**
 * Strata: an endpoint subscriber each, as `strata serve` runs them, from the log's start (each
 * checkpoint moved back there: a new endpoint starts at the log's end).
 */
async function strataRound(target: BenchTarget, sink: WebhookSink, urls: string[], last: Cursor) {
  await clearEndpoints(target);
  const driver = target.store.driver;
  const names: string[] = [];
  for (const url of urls) {
    const endpoint = await insertEndpoint(driver, { url, secret: generateSecret() });
    names.push(webhookSubscriberName(endpoint.id));
  }
  await target.raw.query(
    `UPDATE checkpoints SET transaction_id = 0, global_position = 0,
            scanned_transaction_id = 0, scanned_global_position = 0
      WHERE subscriber = ANY($1::text[])`,
    [names],
  );
  await sink.reset();
  const engine = createSubscriptionEngine({ store: target.store });
  const webhooks = createWebhooks({
    driver,
    engine,
    settings: { ...DEFAULT_WEBHOOK_SETTINGS, refreshMs: 600_000 },
  });
  const allThere = everyCheckpointAt(engine, names, last);
  const started = performance.now();
  engine.start();
  await webhooks.start();
  try {
    await allThere;
    const seconds = (performance.now() - started) / 1000;
    return (await sink.delivered()) / seconds;
  } finally {
    webhooks.stop();
    await engine.stop();
  }
}

/**
 * Resolves once every one of `names` has committed a checkpoint at `last`: told by the engine,
 * without a query (a hundred waiters polling the database would slow what they measure).
 */
function everyCheckpointAt(engine: SubscriptionEngine, names: string[], last: Cursor) {
  const pending = new Set(names);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${pending.size} endpoints did not catch up`));
    }, 600_000);
    const off = engine.onProgress((name, cursor) => {
      if (pending.has(name) && compareCursors(cursor, last) >= 0) pending.delete(name);
      if (pending.size > 0) return;
      off();
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The baseline: a bare HTTP client loop per endpoint posting the same bodies with the same
 * client (`fetch`) and as many requests in flight per endpoint — no signing, no log, no
 * checkpoint, no order.
 */
async function bareRound(sink: WebhookSink, urls: string[], bodies: string[]) {
  await sink.reset();
  const started = performance.now();
  await Promise.all(
    urls.map(async (url) => {
      let next = 0;
      const lane = async () => {
        for (let index = next++; index < bodies.length; index = next++) {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: bodies[index],
          });
          await response.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: DEFAULT_WEBHOOK_SETTINGS.concurrency }, lane));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return (await sink.delivered()) / seconds;
}

function lastCursor(events: readonly StoredEvent[]): Cursor {
  const last = events.at(-1);
  if (last === undefined) throw new Error('the log is empty');
  return last.cursor;
}

async function benchTarget(target: BenchTarget, sink: WebhookSink, sizes: Sizes) {
  await fillLog(target, sizes.events);
  const events = await readLog(target.store);
  const last = lastCursor(events);
  const bodies = events.map(webhookBody);
  const urls = endpointUrls(sink, sizes.endpoints);
  const cases = ['bare', 'strata'] as const;
  const rates = new Map<string, number[]>(cases.map((name) => [name, []]));
  for (let round = 0; round < sizes.rounds; round++) {
    for (let turn = 0; turn < cases.length; turn++) {
      const which = cases[(round + turn) % cases.length]!;
      const rate =
        which === 'bare'
          ? await bareRound(sink, urls, bodies)
          : await strataRound(target, sink, urls, last);
      rates.get(which)!.push(rate);
    }
  }
  const baseline = median(rates.get('bare')!);
  printTable(
    `webhooks: ${sizes.events.toLocaleString('en-US')} events to each of ${sizes.endpoints} endpoints (1 in 100 answering 503), ${DEFAULT_WEBHOOK_SETTINGS.concurrency} in flight per endpoint, ${sizes.rounds} alternating rounds (median) — ${target.description}`,
    ['case', 'deliveries/s', 'rounds', 'of bare loop', 'goal'],
    cases.map((name) => {
      const results = rates.get(name)!;
      const rate = median(results);
      return [
        name === 'bare' ? 'bare fetch loop, baseline' : 'Strata webhooks (signed, logged)',
        perSecond(rate),
        results.map(perSecond).join(', '),
        name === 'bare' ? '' : `${Math.round((rate / baseline) * 100)}%`,
        name === 'bare' ? '' : '≥ 70%',
      ];
    }),
  );
}

/** `npm run bench -- webhooks [--quick] [--only=postgres|pglite]`. */
export async function webhooksBenchmark(args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const sink = await startWebhookSink();
  try {
    for (const [name, open] of [
      ['postgres', () => postgresTarget(10)],
      ['pglite', () => pgliteTarget()],
    ] as const) {
      if (only !== undefined && only !== name) continue;
      const target = await open();
      try {
        await benchTarget(target, sink, sizes);
      } finally {
        await target.close();
      }
    }
  } finally {
    await sink.close();
  }
}
