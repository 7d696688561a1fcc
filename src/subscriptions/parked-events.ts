import type { SqlDriver } from '../store/index.js';
import { ParkedEventNotFoundError } from './errors.js';
import { isReleasing, listParked, requestParkedAction } from './postgres/parking.js';
import type { ParkedEvent } from './types.js';

/** What became of a retry or skip request by the time the caller stopped waiting. */
export type ParkedOutcome =
  /** Retried and handled: no longer parked. */
  | 'handled'
  | 'skipped'
  /** Retried and failed again: still parked, with the new error. */
  | 'failed-again'
  /** Not carried out yet: no process running the subscriber picked it up in time. */
  | 'requested';

/** How long a retry or skip request waits for the worker to carry it out. */
export interface ParkedActionOptions {
  /** How long to wait for the outcome; default 10 s, 0 to return at once. */
  readonly waitMs?: number;
}

/** Operators' view of parked events: list them, retry or skip a failed one. */
export interface ParkedEvents {
  list(options?: { subscriber?: string; includeSkipped?: boolean }): Promise<ParkedEvent[]>;
  /**
   * Retries the failed event, then releases the events of its stream parked behind it; resolves
   * once all of that is done (or `waitMs` passed).
   */
  retry(
    subscriber: string,
    globalPosition: number,
    options?: ParkedActionOptions,
  ): Promise<ParkedOutcome>;
  /** Gives up on the failed event and releases the events of its stream parked behind it. */
  skip(
    subscriber: string,
    globalPosition: number,
    options?: ParkedActionOptions,
  ): Promise<ParkedOutcome>;
}

const POLL_MS = 25;

/**
 * Parked events through the database, so any process can ask: the request is recorded on the
 * event and carried out by whichever process runs the subscriber; `wake` hurries it along when
 * that is this process.
 */
export function createParkedEvents(
  driver: SqlDriver,
  wake: (subscriber: string) => void = () => undefined,
): ParkedEvents {
  async function act(
    subscriber: string,
    globalPosition: number,
    action: 'retry' | 'skip',
    { waitMs = 10_000 }: ParkedActionOptions = {},
  ): Promise<ParkedOutcome> {
    const streamId = await requestParkedAction(driver, subscriber, globalPosition, action);
    if (streamId === undefined) throw new ParkedEventNotFoundError(subscriber, globalPosition);
    wake(subscriber);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      await new Promise((settle) => setTimeout(settle, POLL_MS));
      const [row] = await driver.query<{ status: string; requested_action: string | null }>(
        'SELECT status, requested_action FROM parked_events WHERE subscriber = $1 AND global_position = $2',
        [subscriber, globalPosition],
      );
      if (row?.requested_action === null && row.status === 'failed') return 'failed-again';
      const settled = row === undefined || row.status === 'skipped';
      // Settled, and the events held behind it released too (the caller sees them applied).
      if (settled && !(await isReleasing(driver, subscriber, streamId))) {
        return row === undefined ? 'handled' : 'skipped';
      }
    }
    return 'requested';
  }

  return {
    list: (options) => listParked(driver, options),
    retry: (subscriber, globalPosition, options) =>
      act(subscriber, globalPosition, 'retry', options),
    skip: (subscriber, globalPosition, options) => act(subscriber, globalPosition, 'skip', options),
  };
}
