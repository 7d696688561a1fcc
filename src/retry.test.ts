import { describe, expect, it } from 'vitest';

import { backoffDelayMs, DEFAULT_RETRY_POLICY, delayBeforeDeadline, retrying } from './retry.js';

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

describe('retrying', () => {
  const failing = (failures: number, error: Error = new Error('no')) => {
    let calls = 0;
    return (): Promise<number> => {
      calls += 1;
      return calls <= failures ? Promise.reject(error) : Promise.resolve(calls);
    };
  };

  it('returns the first success, after the failures it was allowed to retry', async () => {
    await expect(retrying(failing(2), { attempts: 3 })).resolves.toBe(3);
  });

  it('throws the last failure once the attempts are spent, telling of each', async () => {
    const told: number[] = [];
    const attempt = retrying(failing(5, new Error('spent')), {
      attempts: 3,
      onFailure: (_error, n) => told.push(n),
    });
    await expect(attempt).rejects.toThrow('spent');
    expect(told).toEqual([1, 2, 3]);
  });

  it('throws a failure not worth retrying at once, without telling of it', async () => {
    const told: unknown[] = [];
    const attempt = retrying(failing(1, new TypeError('fatal')), {
      attempts: 5,
      retryIf: (error) => !(error instanceof TypeError),
      onFailure: (error) => told.push(error),
    });
    await expect(attempt).rejects.toThrow(TypeError);
    expect(told).toEqual([]);
  });

  it('waits the delay between attempts and gives up when the delay says so', async () => {
    const waits: number[] = [];
    const attempt = retrying(failing(9, new Error('deadline')), {
      delayMs: (n) => (n < 3 ? n * 10 : undefined),
      wait: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await expect(attempt).rejects.toThrow('deadline');
    expect(waits).toEqual([10, 20]);
  });
});
