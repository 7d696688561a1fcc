import { describe, expect, it } from 'vitest';

import { parseDuration, parseDurations } from './bus-consumers.js';

describe('durations of strata bus consumers add', () => {
  it('reads milliseconds, seconds, minutes and hours', () => {
    expect(['250', '250ms', '30s', '2m', '1h'].map(parseDuration)).toEqual([
      250, 250, 30_000, 120_000, 3_600_000,
    ]);
    expect(parseDurations('1s,5s,30s')).toEqual([1_000, 5_000, 30_000]);
  });

  it('refuses what is not a duration', () => {
    expect(() => parseDuration('soon')).toThrow(/is not a duration/);
  });
});
