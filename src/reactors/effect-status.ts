import type { SqlExecutor } from '../store/index.js';
import type { ParkedEvents } from '../subscriptions/index.js';
import { summarizeAttempts, type AttemptSummary } from './attempt-log.js';
import type { ScheduledRetries } from './retry-schedule.js';

/** Where a side effect stands: what it delivered, what waits for a retry or for an operator. */
export interface EffectStatus extends AttemptSummary {
  readonly subscriber: string;
  /** Failed events the schedule will try again. */
  readonly retrying: number;
  /** Failed events past the schedule's last attempt: parked until an operator retries or skips. */
  readonly parked: number;
  /** Later events of those events' streams, held behind them in order. */
  readonly heldBehind: number;
}

/**
 * The status of the side effect run by `subscriber`, from its delivery log and parked events;
 * `retries` is its schedule (without it, every failed event counts as parked).
 */
export async function effectStatus(
  sql: SqlExecutor,
  parked: ParkedEvents,
  subscriber: string,
  retries?: ScheduledRetries,
): Promise<EffectStatus> {
  const [summary, events] = await Promise.all([
    summarizeAttempts(sql, subscriber),
    parked.list({ subscriber }),
  ]);
  const failed = events.filter((event) => event.status === 'failed');
  const scheduled = (attempts: number) =>
    retries !== undefined && attempts - retries.attemptsBeforeParking < retries.scheduleMs.length;
  const retrying = failed.filter((event) => scheduled(event.attempts)).length;
  return {
    subscriber,
    ...summary,
    retrying,
    parked: failed.length - retrying,
    heldBehind: events.filter((event) => event.status === 'blocked').length,
  };
}
