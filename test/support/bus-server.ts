import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';

import { createBusStream } from './bus-messages.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';

/** A suite's own nats-server and a connection to it; set in `beforeAll`. */
export interface BusServer {
  server: TestNatsServer;
  nc: NatsConnection;
  jsm: JetStreamManager;
}

/**
 * Starts a nats-server of the suite's own before its tests (with `stream` capturing the test
 * subjects, when given) and connects to it; closes both after every other `afterAll` of the
 * suite registered later (so consumers stop before their connection closes).
 */
export function useBusServer(stream?: string): BusServer {
  const bus = {} as BusServer;
  beforeAll(async () => {
    bus.server = await startNatsServer();
    bus.nc = await connect({ servers: bus.server.url });
    bus.jsm = await jetstreamManager(bus.nc);
    if (stream !== undefined) await createBusStream(bus.nc, stream);
  });
  afterAll(async () => {
    await bus.nc.close();
    await bus.server.destroy();
  });
  return bus;
}
