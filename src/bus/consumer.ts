import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

import { createMessageRegistry, type EventDefinition } from '../messages/index.js';
import { migrate, type SqlDriver } from '../store/index.js';
import type { BusMessageOf } from './consumer-decode.js';
import {
  handleDelivery,
  type BusHandlerContext,
  type HandlingContext,
} from './consumer-handling.js';
import { busSubscriberName } from './consumer-parking.js';
import { watchParking } from './consumer-watch.js';
import { DEFAULT_CONSUMER_SETTINGS, ensureDurableConsumer } from './consumer-setup.js';
import { planConsumers } from './consumer-plan.js';
import { startPulls } from './consumer-pulls.js';
import type { SubjectSpace } from './subjects.js';

/** Options of `startBusConsumer`. */
export interface BusConsumerOptions<D extends EventDefinition> {
  readonly connection: NatsConnection;
  /** The consumer's own database (migrated at start): inbox and parked messages live there. */
  readonly driver: SqlDriver;
  /** The JetStream stream the publisher writes to. */
  readonly stream: string;
  /** The durable consumer's name; with several subjects, each gets `<durable>-<type>`. */
  readonly durable: string;
  /** The event types handled; messages of other types are parked. */
  readonly events: readonly D[];
  /** Where the publisher's subjects live; each event type's subject (every version) is consumed. */
  readonly space?: SubjectSpace;
  /** Subjects to consume instead of those of `space` (one durable consumer each). */
  readonly subjects?: readonly string[];
  readonly maxDeliver?: number;
  /** How long a delivery may go unacknowledged (a handler calls `working()` to extend it). */
  readonly ackWaitMs?: number;
  /**
   * Delays before each redelivery after a failure (a nak); the last one repeats. A delivery
   * that times out (its process died) comes back after the same delay, but never before
   * `ackWaitMs`: JetStream would otherwise take the backoff's first delay as the ack wait.
   */
  readonly backoffMs?: readonly number[];
  /**
   * Messages pulled ahead of the handler; default 16. Their ack wait runs while they wait, so
   * keep `prefetch × handling time` well under `ackWaitMs`.
   */
  readonly prefetch?: number;
  /** How often operators' retry and skip requests are looked for; default 500 ms. */
  readonly requestPollMs?: number;
  /** Applies a message; its writes go through `context.sql`, the inbox's transaction. */
  handle(message: BusMessageOf<D>, context: BusHandlerContext): Promise<void>;
  /** Told of every failed handling (it is retried or parked all the same). */
  onError?(error: unknown): void;
}

/** A running bus consumer. */
export interface BusConsumer {
  /** The name its inbox rows and parked messages carry: `bus:<durable>`. */
  readonly subscriber: string;
  /** The durable consumers it pulls from, each with its filter subject. */
  readonly consumers: readonly { readonly durable: string; readonly filterSubject: string }[];
  /** Stops pulling, lets the message in hand finish, and stops watching the parked list. */
  stop(): Promise<void>;
}

/**
 * Starts a typed, durable pull consumer of the bus: each message decoded and validated by the
 * message definitions (older versions upcast), applied once through an inbox in the consumer's
 * own database, acked explicitly; failures are naked with backoff, and a message that exhausts
 * its deliveries (the JetStream advisory says so) or cannot be decoded is parked, where
 * `strata parked retry|skip bus:<durable> <sequence>` acts on it.
 *
 * @example
 * const consumer = await startBusConsumer({
 *   connection: nc, driver, stream: 'STRATA_DEVPIE', durable: 'estimation',
 *   space: { app: 'devpie' }, events: [TaskAdded],
 *   async handle(message, { sql }) { await sql.query('INSERT …', [message.data.taskId]); },
 * });
 */
export async function startBusConsumer<D extends EventDefinition>(
  options: BusConsumerOptions<D>,
): Promise<BusConsumer> {
  const { connection, driver, stream, durable, events } = options;
  const consumers = planConsumers(options);
  const backoffMs = options.backoffMs ?? DEFAULT_CONSUMER_SETTINGS.backoffMs;
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_CONSUMER_SETTINGS.ackWaitMs;
  await migrate(driver);
  const jsm = await jetstreamManager(connection);
  for (const spec of consumers) {
    await ensureDurableConsumer(jsm, stream, {
      ...spec,
      ackWaitMs,
      backoffMs: backoffMs.map((delay) => Math.max(delay, ackWaitMs)),
      ...(options.maxDeliver === undefined ? {} : { maxDeliver: options.maxDeliver }),
    });
  }
  const context: HandlingContext = {
    driver,
    registry: createMessageRegistry(events),
    subscriber: busSubscriberName(durable),
    backoffMs,
    handle: (message, handling) => options.handle(message as BusMessageOf<D>, handling),
    report: (error) => options.onError?.(error),
  };
  const lastErrors = new Map<number, string>();
  const durables = consumers.map((spec) => spec.durable);
  const pollMs = options.requestPollMs ?? 500;
  const watch = watchParking({ context, connection, jsm, stream, durables, lastErrors, pollMs });
  const pulls = await startPulls({
    connection,
    stream,
    durables,
    prefetch: options.prefetch ?? 16,
    deliver: (msg) => handleDelivery(context, msg, lastErrors),
    report: context.report,
  });
  return {
    subscriber: context.subscriber,
    consumers,
    async stop() {
      await pulls.stop();
      await watch.stop();
    },
  };
}
