import { Type } from 'typebox';

import {
  createBusForwarder,
  streamSettings,
  type BusForwarder,
  type BusForwarderOptions,
} from '../../src/bus/index.js';
import { createMessageRegistry, defineEvent } from '../../src/messages/index.js';
import {
  LOG_START,
  type Cursor,
  type EventStore,
  type PostgresEventStore,
  type NewEvent,
  type StoredEvent,
} from '../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriptionEngine,
} from '../../src/subscriptions/index.js';

/** The benchmark's event: a typical small domain event (≈ 100 bytes of JSON, 14 headers). */
export const TaskAdded = defineEvent({
  name: 'bench.TaskAdded',
  schema: Type.Object({
    taskId: Type.String(),
    title: Type.String(),
    estimate: Type.Integer(),
    tags: Type.Array(Type.String()),
  }),
});
export const busRegistry = createMessageRegistry([TaskAdded]);

/** The forwarder's default window of in-flight acks, which the raw baseline uses too. */
export const WINDOW = 256;

export const taskAdded = (n: number): NewEvent => ({
  type: TaskAdded.name,
  data: { taskId: `task-${n}`, title: 'Estimate the migration', estimate: n % 13, tags: ['q3'] },
  metadata: { correlationId: '01890a5d-ac96-774b-bcce-b302099a8057' },
});

/** Appends `total` events, 100 per append, to streams of 100 events each. */
export async function fillLog(store: EventStore, total: number): Promise<void> {
  for (let first = 0; first < total; first += 100) {
    const events = Array.from({ length: Math.min(100, total - first) }, (_, n) =>
      taskAdded(first + n),
    );
    await store.appendToStream(`task-list-${first / 100}`, events);
  }
}

/** Every event of the log, in log order (for the raw baseline's messages). */
export async function readLog(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let from: Cursor = LOG_START;
  for (;;) {
    const page = await store.readPage(from, { limit: 1_000 });
    events.push(...page.entries.map(({ event }) => event));
    if (page.entries.length < 1_000) return events;
    from = page.end;
  }
}

/** A forwarder on its own subscription engine, as `strata serve` runs it, not yet started. */
export interface BenchForwarder {
  readonly forwarder: BusForwarder;
  readonly engine: SubscriptionEngine;
  /** Registers the forwarder and starts the engine. */
  run(): void;
  caughtUp(cursor: Cursor, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Creates and starts (connects, creates the stream) a forwarder for `app`. */
export async function startForwarder(
  store: PostgresEventStore,
  url: string,
  app: string,
): Promise<BenchForwarder> {
  const engine = createSubscriptionEngine({ store, pollIntervalMs: 1_000 });
  const options: BusForwarderOptions = {
    servers: url,
    app,
    subscriberName: `bus:${app}`,
    window: WINDOW,
    parkedCursors: () => Promise.resolve(new Set<string>()),
  };
  const forwarder = createBusForwarder(options);
  await forwarder.start();
  return {
    forwarder,
    engine,
    run() {
      engine.add(forwarder.subscriber);
      engine.start();
    },
    caughtUp: (cursor, timeoutMs) =>
      engine.waitUntilCaughtUp(forwarder.subscriber.name, cursor, timeoutMs),
    async stop() {
      const engineStopped = engine.stop();
      await forwarder.stop();
      await engineStopped;
    },
  };
}

/** The stream settings the forwarder would use for `app` (for the raw baseline's stream). */
export const rawStreamSettings = (url: string, app: string) =>
  streamSettings({ servers: url, app, parkedCursors: () => Promise.resolve(new Set<string>()) });
