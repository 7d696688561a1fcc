import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/** A connection to NATS with its JetStream handles. */
export interface JetStreamHandles {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** False while the client is disconnected (it keeps reconnecting) or closed. */
  connected(): boolean;
}

/** How to reach NATS. */
export interface NatsConnectOptions {
  readonly servers: string | readonly string[];
  /** How long a publish waits for its ack, ms. */
  readonly timeoutMs: number;
  /** Connection name the server shows (`nats server report connections`). */
  readonly name: string;
}

/**
 * Connects, and keeps reconnecting for as long as the process runs: an outage of the bus only
 * delays the relay, which resumes from the stream's tail.
 */
export async function connectJetStream(options: NatsConnectOptions): Promise<JetStreamHandles> {
  const nc = await connect({
    servers: [...(typeof options.servers === 'string' ? [options.servers] : options.servers)],
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // Otherwise every request builds two Error objects up front (stack traces for a timeout
    // that rarely comes): a third of the forwarder's CPU per publish.
    noAsyncTraces: true,
  });
  const js = jetstream(nc, { timeout: options.timeoutMs });
  const jsm = await jetstreamManager(nc, { timeout: options.timeoutMs });
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      if (status.type === 'reconnect') connected = true;
    }
  })();
  return { nc, js, jsm, connected: () => connected && !nc.isClosed() };
}
