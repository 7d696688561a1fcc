import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

import { BUS_HEADERS, startBusConsumer } from '../../src/bus/index.js';
import type { PostgresEventStore, SqlDriver } from '../../src/store/index.js';
import { startForwarder, TaskAdded, taskAdded } from '../support/bus-fixture.js';

/** What `busLatency` measures against. */
export interface LatencyOptions {
  readonly store: PostgresEventStore;
  readonly url: string;
  /** The consumer's own database, for its inbox. */
  readonly consumerDriver: SqlDriver;
  readonly rate: number;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((settle) => setTimeout(settle, ms));

/**
 * Appends one event at a time at `rate` events/s for `seconds` while a forwarder relays the log
 * to the bus, consumed at once by `startBusConsumer` (inbox in `consumerDriver`) and by a plain
 * ordered JetStream consumer; times each event from its append's commit (the append resolved) to
 * the helper's handler, and to the plain consumer's loop. Returns for each the latencies in ms,
 * sorted, and how many events never arrived within 10 s of the last append.
 */
export async function busLatency(options: LatencyOptions) { const t0 = performance.now();
  const { store, url, rate, seconds } = options;
  const app = 'live';
  const forwarder = await startForwarder(store, url, app);
  forwarder.run();
  const connection = await connect({ servers: url });
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  const plain: number[] = [];
  // A plain ordered consumer beside the helper: how long the forwarder alone takes.
  const ordered = await jetstream(connection).consumers.get(forwarder.forwarder.stream.name, {
    deliver_policy: DeliverPolicy.New,
  });
  const plainMessages = await ordered.consume();
  void (async () => {
    for await (const message of plainMessages) {
      const at = appendedAt.get(message.headers?.get(BUS_HEADERS.stream) ?? '');
      if (at !== undefined) { plain.push(performance.now() - at); (globalThis as any).porder ??= []; (globalThis as any).porder.push(["", Math.round(performance.now() - at), Math.round(performance.now() - t0)]); }
    }
  })();
  const consumer = await startBusConsumer({
    connection,
    driver: options.consumerDriver,
    stream: forwarder.forwarder.stream.name,
    durable: 'bench-latency',
    space: { app },
    events: [TaskAdded],
    handle(message) {
      const at = appendedAt.get(message.streamId ?? '');
      if (at !== undefined) { latencies.push(performance.now() - at); (globalThis as any).order ??= []; (globalThis as any).order.push([message.streamId, Math.round(performance.now() - at), Math.round(performance.now() - t0)]); }
      return Promise.resolve();
    },
    onError(error) {
      console.error('consumer:', error);
    },
  });
  try {
    const total = rate * seconds;
    const appends: Promise<void>[] = [];
    const started = performance.now();
    for (let index = 0; index < total; index++) {
      const wait = started + (index * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      // Not awaited: a slow append must not hold back the schedule (an open workload).
      const streamId = `live-${index}`;
      appends.push(
        store.appendToStream(streamId, [taskAdded(index)]).then(() => {
          appendedAt.set(streamId, performance.now());
        }),
      );
    }
    await Promise.all(appends);
    const deadline = Date.now() + 10_000;
    while ((latencies.length < total || plain.length < total) && Date.now() < deadline) {
      await sleep(10);
    }
    const sorted = (values: number[]) => ({
      latencies: values.sort((a, b) => a - b),
      missing: total - values.length,
    });
    return { helper: sorted(latencies), plain: sorted(plain) };
  } finally {
    await plainMessages.close();
    await consumer.stop();
    // The next target starts from an empty server.
    await (await jetstreamManager(connection)).streams.delete(forwarder.forwarder.stream.name);
    await connection.close();
    await forwarder.stop();
  }
}
