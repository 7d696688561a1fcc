import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { millis, nanos } from '@nats-io/nats-core';

import { BusConsumerMismatchError } from './errors.js';

/** A durable pull consumer's settings. */
export interface DurableConsumerSpec {
  readonly durable: string;
  /** One subject (wildcards allowed): NATS 2.9 takes one filter subject per consumer. */
  readonly filterSubject: string;
  /** Deliveries before the message is given up (and parked); default 5, -1 for never. */
  readonly maxDeliver?: number;
  /**
   * How long a delivery may go unacknowledged before it is redelivered; default 30 s. With a
   * backoff, JetStream uses the backoff's delays instead (this becomes its first one): a long
   * handler calls `working()`.
   */
  readonly ackWaitMs?: number;
  /** Delays before each redelivery (the last repeats); default 1 s, 5 s, 30 s. */
  readonly backoffMs?: readonly number[];
}

/** The defaults of `DurableConsumerSpec`. */
export const DEFAULT_CONSUMER_SETTINGS = {
  maxDeliver: 5,
  ackWaitMs: 30_000,
  backoffMs: [1_000, 5_000, 30_000],
} as const;

/**
 * The backoff the server is given: JetStream refuses a backoff list as long as `max_deliver`
 * or longer, so it is cut to `maxDeliver - 1` delays.
 */
function serverBackoff(maxDeliver: number, backoffMs: readonly number[]): number[] {
  return backoffMs.slice(0, Math.max(0, maxDeliver - 1)).map(nanos);
}

/**
 * Creates the durable consumer, or brings an existing one's delivery settings up to date; a
 * different filter is refused with `BusConsumerMismatchError` (changing it would silently
 * change what the consumer receives).
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  spec: DurableConsumerSpec,
): Promise<ConsumerInfo> {
  const {
    maxDeliver = DEFAULT_CONSUMER_SETTINGS.maxDeliver,
    ackWaitMs = DEFAULT_CONSUMER_SETTINGS.ackWaitMs,
    backoffMs = DEFAULT_CONSUMER_SETTINGS.backoffMs,
  } = spec;
  const delivery = {
    max_deliver: maxDeliver,
    ack_wait: nanos(ackWaitMs),
    backoff: serverBackoff(maxDeliver, backoffMs),
  };
  const existing = await consumerInfo(jsm, stream, spec.durable);
  if (existing === undefined) {
    return jsm.consumers.add(stream, {
      durable_name: spec.durable,
      filter_subject: spec.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...delivery,
    });
  }
  const filter = existing.config.filter_subject ?? '';
  if (filter !== spec.filterSubject) {
    throw new BusConsumerMismatchError(stream, spec.durable, filter, spec.filterSubject);
  }
  return jsm.consumers.update(stream, spec.durable, delivery);
}

/** The consumer's info, or `undefined` when the stream has no such consumer. */
async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
      return undefined;
    }
    throw error;
  }
}

/** The delay before redelivering after a failed delivery number `deliveryCount` (from 1). */
export function redeliveryDelayMs(backoffMs: readonly number[], deliveryCount: number): number {
  const index = Math.min(Math.max(deliveryCount - 1, 0), backoffMs.length - 1);
  return backoffMs[index] ?? 1_000;
}

/** A consumer's delivery settings in milliseconds, for operators. */
export function describeDelivery(info: ConsumerInfo): {
  maxDeliver: number;
  ackWaitMs: number;
  backoffMs: number[];
} {
  return {
    maxDeliver: info.config.max_deliver ?? -1,
    ackWaitMs: millis(info.config.ack_wait ?? 0),
    backoffMs: (info.config.backoff ?? []).map(millis),
  };
}
