import { afterAll, afterEach, beforeAll } from 'vitest';

import {
  createBusForwarder,
  type BusForwarder,
  type BusForwarderOptions,
} from '../../../src/bus/index.js';
import type { Cursor, PostgresEventStore } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { startNatsServer, type TestNatsServer } from '../../support/nats-server.js';

/** A forwarder on the subscription engine, as `strata serve` runs it. */
export interface RunningForwarder {
  readonly forwarder: BusForwarder;
  readonly engine: SubscriptionEngine;
  readonly stream: string;
  /** Waits until the forwarder has handled the log up to `cursor`. */
  caughtUp(cursor: Cursor, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Options a test may set: everything but the server, app and parked list. */
export type ForwarderSettings = Partial<Omit<BusForwarderOptions, 'servers' | 'parkedCursors'>>;

/**
 * Runs forwarders against the servers `servers()` names, each with an app name (so a stream
 * and checkpoint) of its own unless told otherwise; all stop after each test.
 */
export function useForwardersOn(store: () => PostgresEventStore, servers: () => string[]) {
  const running: RunningForwarder[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((forwarder) => forwarder.stop()));
  });

  async function startForwarder(settings: ForwarderSettings = {}): Promise<RunningForwarder> {
    const app = settings.app ?? `app${crypto.randomUUID().slice(0, 8)}`;
    const engine = createSubscriptionEngine({
      store: store(),
      pollIntervalMs: 50,
      leaseRetryMs: 50,
    });
    const forwarder = createBusForwarder({
      subscriberName: `bus:${app}`,
      publishTimeoutMs: 1_000,
      ...settings,
      app,
      servers: servers(),
      parkedCursors: async (subscriber) =>
        new Set((await engine.parked.list({ subscriber })).map((parked) => parked.cursor)),
    });
    await forwarder.start();
    engine.add(forwarder.subscriber);
    engine.start();
    let stopped = false;
    const handle: RunningForwarder = {
      forwarder,
      engine,
      stream: forwarder.stream.name,
      caughtUp: (cursor, timeoutMs = 20_000) =>
        engine.waitUntilCaughtUp(forwarder.subscriber.name, cursor, timeoutMs),
      async stop() {
        if (stopped) return;
        stopped = true;
        // The engine stops first, so the batch the forwarder gives up on is not parked.
        const engineStopped = engine.stop();
        await forwarder.stop();
        await engineStopped;
      },
    };
    running.push(handle);
    return handle;
  }

  return { startForwarder };
}

/** A nats-server of the file's own (`nats()`), and forwarders on it (`useForwardersOn`). */
export function useForwarders(store: () => PostgresEventStore) {
  let server: TestNatsServer | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const nats = () => {
    if (server === undefined) throw new Error('the nats-server starts in beforeAll');
    return server;
  };
  return { nats, ...useForwardersOn(store, () => [nats().url]) };
}
