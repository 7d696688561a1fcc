import {
  connectJetStream,
  ensureStream,
  toBusMessage,
  type JetStreamHandles,
  type OutgoingBusMessage,
} from '../src/bus/index.js';
import { openAckInbox } from '../src/bus/nats/ack-inbox.js';
import {
  createPgDriver,
  createPgliteDriver,
  type SqlDriver,
  type StoredEvent,
} from '../src/store/index.js';
import {
  busRegistry,
  fillLog,
  rawStreamSettings,
  readLog,
  startForwarder,
  WINDOW,
} from './support/bus-fixture.js';
import { busLatency } from './support/bus-latency.js';
import { median, percentile, perSecond, printTable } from './support/measure.js';
import { natsServerVersion, startNatsServer } from '../test/support/nats-server.js';
import {
  BENCH_DATABASE_URL,
  pgliteTarget,
  postgresTarget,
  type BenchTarget,
} from './support/targets.js';

interface Sizes {
  readonly events: number;
  readonly rounds: number;
  readonly liveSeconds: number;
}
const FULL: Sizes = { events: 50_000, rounds: 3, liveSeconds: 10 };
const WARMUP_SECONDS = 1;
const QUICK: Sizes = { events: 5_000, rounds: 2, liveSeconds: 3 };
const LIVE_RATE = 1_000;

/** Deletes a round's stream, so rounds and targets start from an empty server. */
async function deleteStream(url: string, stream: string): Promise<void> {
  const nats = await connectJetStream({ servers: url, timeoutMs: 5_000, name: 'bench-cleanup' });
  try {
    await nats.jsm.streams.delete(stream);
  } finally {
    await nats.nc.close();
  }
}

/** Events/s of the forwarder relaying the whole log into a new stream, until caught up. */
async function forwarderRound(
  target: BenchTarget,
  url: string,
  events: readonly StoredEvent[],
  round: number,
) {
  const forwarder = await startForwarder(target.store, url, `fwd${round}`);
  try {
    const started = performance.now();
    forwarder.run();
    if (!(await forwarder.caughtUp(events.at(-1)!.cursor, 600_000))) {
      throw new Error('the forwarder did not catch up');
    }
    const rate = events.length / ((performance.now() - started) / 1000);
    const tail = forwarder.forwarder.status().tail;
    if (tail?.lastSeq !== events.length)
      throw new Error(`stream holds ${tail?.lastSeq}, not ${events.length}`);
    return rate;
  } finally {
    await forwarder.stop();
    await deleteStream(url, forwarder.forwarder.stream.name);
  }
}

/** How a raw round publishes: the client's `js.publish`, or the forwarder's ack inbox. */
type RawMode = 'js.publish' | 'ack inbox';

/** Publishes one message the `mode` way; `done` is called when its ack (or error) is back. */
function rawPublisher(nats: JetStreamHandles, mode: RawMode) {
  if (mode === 'js.publish') {
    return {
      publish: (message: OutgoingBusMessage, done: () => void) => {
        void nats.js
          .publish(message.subject, message.payload, { headers: message.headers })
          .finally(done);
      },
      close: () => undefined,
    };
  }
  const inbox = openAckInbox(nats.nc, 5_000);
  return {
    publish: (message: OutgoingBusMessage, done: () => void) => {
      inbox.publish(message.subject, message.payload, message.headers, done);
    },
    close: () => {
      inbox.close();
    },
  };
}

/**
 * The raw limit: the same messages (subjects, headers, payloads, built beforehand) published
 * asynchronously to a stream of the same settings, at most `WINDOW` acks in flight — no log,
 * no chaining, no checkpoint.
 */
async function rawRound(
  nats: JetStreamHandles,
  url: string,
  events: readonly StoredEvent[],
  mode: RawMode,
  round: number,
) {
  const app = `raw${round}${mode === 'js.publish' ? 'js' : 'inbox'}`;
  const settings = rawStreamSettings(url, app);
  await ensureStream(nats.jsm, settings);
  const messages = events.map((event) => toBusMessage({ app }, event));
  const publisher = rawPublisher(nats, mode);
  let inFlight = 0;
  let ackReturned: (() => void) | undefined;
  const started = performance.now();
  for (const message of messages) {
    inFlight++;
    publisher.publish(message, () => {
      inFlight--;
      ackReturned?.();
    });
    // A counter, not `Promise.race` over the window: O(1) per publish, as the forwarder's.
    while (inFlight >= WINDOW) await new Promise<void>((resolve) => (ackReturned = resolve));
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (ackReturned = resolve));
  const rate = events.length / ((performance.now() - started) / 1000);
  publisher.close();
  const { state } = await nats.jsm.streams.info(settings.name);
  await nats.jsm.streams.delete(settings.name);
  if (state.messages !== events.length) throw new Error(`raw stream holds ${state.messages}`);
  return rate;
}

async function throughput(target: BenchTarget, url: string, sizes: Sizes) {
  await fillLog(target.store, sizes.events);
  const events = await readLog(target.store);
  const nats = await connectJetStream({ servers: url, timeoutMs: 5_000, name: 'bench-raw' });
  const rates = {
    forwarder: [] as number[],
    'js.publish': [] as number[],
    'ack inbox': [] as number[],
  };
  const cases = ['forwarder', 'js.publish', 'ack inbox'] as const;
  try {
    for (let round = 0; round < sizes.rounds; round++) {
      // Rotating which goes first, so none always runs on a warmer machine.
      for (let turn = 0; turn < cases.length; turn++) {
        const which = cases[(round + turn) % cases.length]!;
        rates[which].push(
          which === 'forwarder'
            ? await forwarderRound(target, url, events, round)
            : await rawRound(nats, url, events, which, round),
        );
      }
    }
  } finally {
    await nats.nc.close();
  }
  const forwarded = median(rates.forwarder);
  const ratio = (mode: RawMode) => `${Math.round((forwarded / median(rates[mode])) * 100)}%`;
  const rounds = (mode: keyof typeof rates) => rates[mode].map(perSecond).join(', ');
  printTable(
    `bus: ${sizes.events.toLocaleString('en-US')} events from the log into JetStream, ${sizes.rounds} rotating rounds (median) — ${target.description}`,
    ['case', 'events/s', 'rounds', 'forwarder / this', 'goal'],
    [
      [
        `forwarder: log → acked in stream, window ${WINDOW}`,
        perSecond(forwarded),
        rounds('forwarder'),
        '',
        '',
      ],
      [
        'raw async publish, client js.publish',
        perSecond(median(rates['js.publish'])),
        rounds('js.publish'),
        ratio('js.publish'),
        '≥ 80%',
      ],
      [
        'raw async publish, one ack inbox (as the forwarder)',
        perSecond(median(rates['ack inbox'])),
        rounds('ack inbox'),
        ratio('ack inbox'),
        '',
      ],
    ],
  );
}

async function latency(target: BenchTarget, url: string, consumerDriver: SqlDriver, sizes: Sizes) {
  const { helper, plain } = await busLatency({
    store: target.store,
    url,
    consumerDriver,
    rate: LIVE_RATE,
    seconds: sizes.liveSeconds,
    warmupSeconds: WARMUP_SECONDS,
  });
  const row = (name: string, { latencies, missing }: typeof helper) => {
    const ms = (p: number) => `${percentile(latencies, p).toFixed(1)} ms`;
    const max = `${(latencies.at(-1) ?? Number.NaN).toFixed(1)} ms`;
    return [name, String(latencies.length), String(missing), ms(50), ms(99), max, 'p99 < 50 ms'];
  };
  printTable(
    `bus: latency at ${LIVE_RATE} events/s for ${sizes.liveSeconds} s after ${WARMUP_SECONDS} s of warm-up at that rate, one event per append — ${target.description}`,
    ['case', 'events', 'missing', 'p50', 'p99', 'max', 'goal'],
    [
      row('append commit → startBusConsumer handler (inbox in its own database)', helper),
      row('append commit → plain ordered JetStream consumer', plain),
    ],
  );
}

/** The consumer's own database: a schema of its own on PostgreSQL, or an in-memory PGlite. */
async function consumerDatabase(target: BenchTarget) {
  if (target.name !== 'PostgreSQL')
    return { driver: await createPgliteDriver(), drop: () => Promise.resolve() };
  const schema = `strata_bench_consumer_${process.pid}`;
  const driver = createPgDriver({
    connectionString: BENCH_DATABASE_URL,
    schema,
    maxConnections: 4,
  });
  return {
    driver,
    drop: async () => {
      await driver.exec(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/** `npm run bench -- bus [--quick] [--only=postgres|pglite]` */
export async function busBenchmark(args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? QUICK : FULL;
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  // The test suite's own-server helper: never the machine's shared nats-server.
  const server = await startNatsServer();
  console.log(`\n${natsServerVersion()}, its own store directory, on ${server.url}`);
  try {
    for (const [name, open] of [
      ['postgres', () => postgresTarget(10, busRegistry)],
      ['pglite', () => pgliteTarget(busRegistry)],
    ] as const) {
      if (only !== undefined && only !== name) continue;
      const target = await open();
      const consumer = await consumerDatabase(target);
      try {
        // Latency first, on the empty log: a new forwarder would relay the whole log first.
        await latency(target, server.url, consumer.driver, sizes);
        await throughput(target, server.url, sizes);
      } finally {
        await consumer.drop();
        await consumer.driver.close();
        await target.close();
      }
    }
  } finally {
    await server.destroy();
  }
}
