import type { ScheduledRetries } from '../retry-schedule.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How webhooks are delivered: the same for every endpoint of a system. */
export interface WebhookSettings {
  /** How long a receiver has to answer with a 2xx; default 15 s. */
  readonly timeoutMs: number;
  /** Deliveries in flight per endpoint, each to a different stream; default 8. */
  readonly concurrency: number;
  /** Most events an endpoint's subscriber takes per batch (one checkpoint, one log write); 100. */
  readonly batchSize: number;
  /**
   * How long an endpoint may fail (no delivery since its first failed attempt) before it is
   * disabled, with the reason; default 5 days. A `410 Gone` disables it at once.
   */
  readonly disableAfterMs: number;
  /**
   * Delays of the attempts after the first fails: by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
   * 10 h (Standard Webhooks' and Svix's schedule). The event is parked for its stream meanwhile.
   */
  readonly scheduleMs: readonly number[];
  /** How long a rotated-out secret still signs deliveries beside the new one; default 24 h. */
  readonly secretGraceMs: number;
  /** How often each process reads the endpoints for changes made elsewhere; default 5 s. */
  readonly refreshMs: number;
  /** How long the delivery log keeps an attempt; default 30 days. */
  readonly deliveryLogRetentionMs: number;
}

/** The settings of an endpoint unless configured otherwise. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  timeoutMs: 15 * SECOND,
  concurrency: 8,
  batchSize: 100,
  disableAfterMs: 5 * DAY,
  scheduleMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
  secretGraceMs: DAY,
  refreshMs: 5 * SECOND,
  deliveryLogRetentionMs: 30 * DAY,
};

/**
 * How an endpoint's subscriber is retried: parked at its first failure (no attempt at once
 * beside it), then tried again on `scheduleMs`.
 */
export const webhookRetries = (
  subscriber: string,
  scheduleMs: readonly number[],
): ScheduledRetries => ({ subscriber, scheduleMs, attemptsBeforeParking: 1 });
