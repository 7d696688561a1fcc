import { describe, expect, it } from 'vitest';

import { backoffDelayMs, DEFAULT_RETRY_POLICY, delayBeforeDeadline } from './retry.js';

describe('retry backoff', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 100 };

  it('draws uniformly below a bound that doubles each retry', () => {
    expect(backoffDelayMs(policy, 1, () => 0.999)).toBe(9);
    expect(backoffDelayMs(policy, 2, () => 0.999)).toBe(19);
    expect(backoffDelayMs(policy, 3, () => 0.5)).toBe(20);
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(0);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelayMs(policy, 30, () => 0.999)).toBe(99);
  });

  it('defaults to a handful of quick attempts', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY_POLICY.maxDelayMs).toBeLessThanOrEqual(1000);
  });
});

describe('retry until a deadline', () => {
  const policy = { deadlineMs: 1000, baseDelayMs: 10, maxDelayMs: 100 };

  it('keeps retrying, however many attempts, while the wait ends before the deadline', () => {
    expect(delayBeforeDeadline(policy, 0, 50, 500, () => 0.5)).toBe(50);
  });

  it('gives up when the wait would pass the deadline', () => {
    expect(delayBeforeDeadline(policy, 0, 50, 990, () => 0.5)).toBeUndefined();
  });
});
