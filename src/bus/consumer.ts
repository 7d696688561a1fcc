import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

import { createMessageRegistry, type EventDefinition } from '../messages/index.js';
import { migrate, type SqlDriver } from '../store/index.js';
import type { BusMessageOf } from './consumer-decode.js';
import {
  handleDeliveries,
  type BusHandlerContext,
  type HandlingContext,
} from './consumer-handling.js';
import { startAdvisoryParking } from './consumer-advisories.js';
import { DEFAULT_ADVISORY_MAX_AGE_MS, ensureAdvisoryCapture } from './consumer-advisory-stream.js';
import { busSubscriberName } from './consumer-parking.js';
import { watchParkedRequests } from './consumer-watch.js';
import { DEFAULT_CONSUMER_SETTINGS, ensureDurableConsumer } from './consumer-setup.js';
import { planConsumers, type PlannedConsumer } from './consumer-plan.js';
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
   * Messages pulled ahead of the handler, and most applied in one transaction; default 16.
   * Their ack wait runs while they wait, so keep `2 × prefetch × handling time` well under
   * `ackWaitMs`.
   */
  readonly prefetch?: number;
  /** How often operators' retry and skip requests are looked for; default 500 ms. */
  readonly requestPollMs?: number;
  /**
   * How long `<stream>_ADVISORIES` keeps a max-deliveries advisory not yet parked, ms; default
   * 7 days: a message exhausted while the consumer stays down longer is not parked.
   */
  readonly advisoryMaxAgeMs?: number;
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
  /**
   * Stops pulling messages and advisories, lets those in hand finish, and stops watching the
   * parked list.
   */
  stop(): Promise<void>;
}

/**
 * The advisories' stream and consumers, then the durable consumers: the advisories are
 * captured before the first pull, so none of this consumer's goes by unkept.
 */
async function ensureServerSide(
  jsm: JetStreamManager,
  options: BusConsumerOptions<EventDefinition>,
  consumers: readonly PlannedConsumer[],
  delivery: { readonly ackWaitMs: number; readonly backoffMs: readonly number[] },
): Promise<void> {
  const { stream } = options;
  const { ackWaitMs } = delivery;
  await ensureAdvisoryCapture(jsm, {
    stream,
    durables: consumers.map((spec) => spec.durable),
    maxAgeMs: options.advisoryMaxAgeMs ?? DEFAULT_ADVISORY_MAX_AGE_MS,
    ackWaitMs,
  });
  for (const spec of consumers) {
    await ensureDurableConsumer(jsm, stream, {
      ...spec,
      ackWaitMs,
      backoffMs: delivery.backoffMs.map((delay) => Math.max(delay, ackWaitMs)),
      ...(options.maxDeliver === undefined ? {} : { maxDeliver: options.maxDeliver }),
    });
  }
}

/**
 * Starts a typed, durable pull consumer of the bus: each message decoded and validated by the
 * message definitions (older versions upcast), applied once through an inbox in the consumer's
 * own database, acked explicitly; failures are naked with backoff, and a message that exhausts
 * its deliveries or cannot be decoded is parked, where `strata parked retry|skip bus:<durable>
 * <sequence>` acts on it. JetStream's max-deliveries advisories are kept in a stream,
 * `<stream>_ADVISORIES`, created here, so a message given up while no consumer process listened
 * is parked when one starts.
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
  const durables = consumers.map((spec) => spec.durable);
  await ensureServerSide(jsm, options, consumers, { ackWaitMs, backoffMs });
  const context: HandlingContext = {
    driver,
    registry: createMessageRegistry(events),
    subscriber: busSubscriberName(durable),
    backoffMs,
    handle: (message, handling) => options.handle(message as BusMessageOf<D>, handling),
    report: (error) => options.onError?.(error),
  };
  const lastErrors = new Map<number, string>();
  const pollMs = options.requestPollMs ?? 500;
  const advisories = await startAdvisoryParking({
    context,
    connection,
    jsm,
    stream,
    durables,
    lastErrors,
  });
  const watch = watchParkedRequests({ context, jsm, stream, pollMs });
  let pulls: Awaited<ReturnType<typeof startPulls>>;
  try {
    pulls = await startPulls({
      connection,
      stream,
      durables,
      prefetch: options.prefetch ?? 16,
      deliver: (msgs) => handleDeliveries(context, msgs, lastErrors),
      report: context.report,
    });
  } catch (error) {
    // A start that fails here is retried by the app: leave nothing running behind it.
    await advisories.stop();
    await watch.stop();
    throw error;
  }
  return {
    subscriber: context.subscriber,
    consumers,
    async stop() {
      await pulls.stop();
      await advisories.stop();
      await watch.stop();
    },
  };
}
