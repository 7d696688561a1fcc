import type { ParkedEvent, ParkedEvents } from '../subscriptions/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * When a parked side effect is tried again, after the attempts made at once (immediately,
 * then within seconds): 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the attempt before — the
 * webhook industry's schedule (Standard Webhooks, Svix). After the last it stays parked for an
 * operator (`strata parked retry|skip`).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** A subscriber whose parked events are retried on a schedule. */
export interface ScheduledRetries {
  readonly subscriber: string;
  /** Delays after each failed attempt, from the one that parked the event on. */
  readonly scheduleMs: readonly number[];
  /** Attempts made before the event was parked (they do not count against the schedule). */
  readonly attemptsBeforeParking: number;
}

/**
 * The parked events of `retries.subscriber` due for another attempt at `now`: failed (not
 * blocked behind another, not already asked for), and the schedule's delay for the attempts
 * made so far passed since the last one. Pure: `now` is the caller's clock.
 */
export function dueForRetry(
  parked: readonly ParkedEvent[],
  retries: ScheduledRetries,
  now: number,
): ParkedEvent[] {
  return parked.filter((event) => {
    if (event.status !== 'failed' || event.requestedAction !== undefined) return false;
    const delay = retries.scheduleMs[event.attempts - retries.attemptsBeforeParking];
    return delay !== undefined && event.updatedAt.getTime() + delay <= now;
  });
}

/** What `startRetryScheduler` needs; `now` and `intervalMs` are for tests. */
export interface RetrySchedulerOptions {
  readonly parked: ParkedEvents;
  /** The subscribers to look after, asked at every tick (webhook endpoints come and go). */
  readonly subscribers: () => readonly ScheduledRetries[];
  readonly now?: () => number;
  /** How often parked events are looked at; default 5 s. */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Asks, on a timer, for each parked side effect due by its schedule to be retried; the process
 * holding the subscriber's lease carries it out (its stream's later events follow on success).
 * Every process may run one: a request made twice is one retry.
 */
export function startRetryScheduler(options: RetrySchedulerOptions): { stop(): void } {
  const {
    parked,
    subscribers,
    now = Date.now,
    intervalMs = 5_000,
    onError = () => undefined,
  } = options;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const retries of subscribers()) {
        const listed = await parked.list({ subscriber: retries.subscriber });
        for (const event of dueForRetry(listed, retries, now())) {
          await parked.retry(retries.subscriber, event.globalPosition, { waitMs: 0 });
        }
      }
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
