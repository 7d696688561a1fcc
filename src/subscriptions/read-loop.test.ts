import { describe, expect, it } from 'vitest';

import { nextRecheckMs } from './read-loop.js';

describe('the read loop looking again after an empty wake', () => {
  it('looks again soon after a wake that brought nothing readable', () => {
    expect(nextRecheckMs(0, true, 1_000)).toBe(5);
    expect(nextRecheckMs(320, true, 1_000)).toBe(5);
  });

  it('doubles the wait until it reaches the poll interval, then waits the interval', () => {
    expect(nextRecheckMs(5, false, 1_000)).toBe(10);
    expect(nextRecheckMs(320, false, 1_000)).toBe(640);
    expect(nextRecheckMs(640, false, 1_000)).toBe(0);
  });

  it('keeps waiting the poll interval while nothing wakes it', () => {
    expect(nextRecheckMs(0, false, 1_000)).toBe(0);
  });
});
