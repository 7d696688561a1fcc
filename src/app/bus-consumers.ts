import type { NatsConnection } from '@nats-io/nats-core';

import { connectJetStream } from '../bus/index.js';
import type { CommandBus } from '../domain/index.js';
import { StrataError } from '../errors.js';
import type { PostgresEventStore } from '../store/index.js';

/** What an app's bus consumer is started with. */
export interface AppBusConsumerContext {
  /** A connection of its own to the servers the forwarder publishes to. */
  readonly connection: NatsConnection;
  /** The app's own store: its driver holds the consumer's inbox. */
  readonly store: PostgresEventStore;
  /** Sends a command to the app's handlers, as a reactor does. */
  readonly commands: CommandBus;
  readonly onError: (error: unknown) => void;
}

/**
 * A consumer of other apps' events from the bus, run beside the app's subscribers: how one
 * service of a system integrates with another over NATS only (`startBusConsumer` inside).
 */
export interface AppBusConsumer {
  readonly name: string;
  start(context: AppBusConsumerContext): Promise<{ stop(): Promise<void> }>;
}

/** The app consumes from the bus, but no NATS server is configured. */
export class BusRequiredError extends StrataError {
  readonly code = 'BUS_REQUIRED';
}

/** The consumers running, and how to stop them and their connection. */
export interface RunningBusConsumers {
  stop(): Promise<void>;
}

/**
 * Connects to `servers` and starts every consumer; a consumer that fails to start stops those
 * started before it and the connection.
 */
export async function startAppBusConsumers(
  consumers: readonly AppBusConsumer[],
  servers: string | readonly string[] | undefined,
  context: Omit<AppBusConsumerContext, 'connection'>,
): Promise<RunningBusConsumers> {
  if (consumers.length === 0) return { stop: async () => undefined };
  if (servers === undefined) {
    throw new BusRequiredError(
      `The app consumes from the bus (${consumers.map((c) => c.name).join(', ')}): set NATS_URL`,
    );
  }
  const { nc } = await connectJetStream({ servers, timeoutMs: 5_000, name: 'strata-consumers' });
  const running: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    try {
      for (const consumer of running.reverse()) await consumer.stop();
    } finally {
      await nc.close();
    }
  };
  try {
    for (const consumer of consumers) {
      running.push(await consumer.start({ ...context, connection: nc }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
