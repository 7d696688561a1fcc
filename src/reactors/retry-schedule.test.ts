import { describe, expect, it } from 'vitest';

import { encodeCursor } from '../store/index.js';
import type { ParkedEvent } from '../subscriptions/index.js';
import { DEFAULT_RETRY_SCHEDULE_MS, dueForRetry } from './retry-schedule.js';

const MINUTE = 60_000;
const at = Date.parse('2026-11-23T10:00:00Z');

const parked = (
  globalPosition: number,
  attempts: number,
  updatedMinutesAgo: number,
  more: Partial<ParkedEvent> = {},
): ParkedEvent => ({
  subscriber: 'effect:mail',
  globalPosition,
  cursor: encodeCursor(1, globalPosition),
  eventId: `e${globalPosition}`,
  eventType: 'x.Happened',
  streamId: `s-${globalPosition}`,
  streamVersion: 1,
  status: 'failed',
  error: 'refused',
  attempts,
  requestedAction: undefined,
  parkedAt: new Date(at - 600 * MINUTE),
  updatedAt: new Date(at - updatedMinutesAgo * MINUTE),
  ...more,
});

const retries = {
  subscriber: 'effect:mail',
  scheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
  attemptsBeforeParking: 2,
};

describe('dueForRetry', () => {
  it('follows the schedule: 5 min after parking, then 30 min after the next attempt, …', () => {
    expect(dueForRetry([parked(1, 2, 4)], retries, at)).toEqual([]);
    expect(dueForRetry([parked(1, 2, 5)], retries, at)).toHaveLength(1);
    expect(dueForRetry([parked(1, 3, 29)], retries, at)).toEqual([]);
    expect(dueForRetry([parked(1, 3, 30)], retries, at)).toHaveLength(1);
    expect(dueForRetry([parked(1, 4, 119)], retries, at)).toEqual([]);
    expect(dueForRetry([parked(1, 4, 120)], retries, at)).toHaveLength(1);
  });

  it('leaves an event parked for good once the schedule is spent', () => {
    const spent = 2 + DEFAULT_RETRY_SCHEDULE_MS.length;
    expect(dueForRetry([parked(1, spent - 1, 600)], retries, at)).toHaveLength(1);
    expect(dueForRetry([parked(1, spent, 6_000)], retries, at)).toEqual([]);
  });

  it('never asks for events blocked behind another, skipped, or already asked for', () => {
    expect(
      dueForRetry(
        [
          parked(1, 2, 60, { status: 'blocked' }),
          parked(2, 2, 60, { status: 'skipped' }),
          parked(3, 2, 60, { requestedAction: 'retry' }),
          parked(4, 2, 60),
        ],
        retries,
        at,
      ).map((event) => event.globalPosition),
    ).toEqual([4]);
  });
});
