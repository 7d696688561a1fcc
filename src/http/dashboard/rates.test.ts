import { afterEach, describe, expect, it, vi } from 'vitest';

import { createStrataMetrics } from '../../observability/index.js';
import { subscriberRates } from './rates.js';

describe("the subscribers' rates", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the events each finished between two looks, per second', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const metrics = createStrataMetrics();
    const rates = subscriberRates(metrics);
    metrics.subscriberEvents.inc({ subscriber: 'a', outcome: 'handled' }, 10);
    expect(await rates()).toEqual(new Map());
    metrics.subscriberEvents.inc({ subscriber: 'a', outcome: 'handled' }, 30);
    metrics.subscriberEvents.inc({ subscriber: 'a', outcome: 'failed' }, 10);
    metrics.subscriberEvents.inc({ subscriber: 'b', outcome: 'handled' }, 5);
    vi.setSystemTime(2_000);
    expect(await rates()).toEqual(
      new Map([
        ['a', 20],
        ['b', 2.5],
      ]),
    );
  });

  it('makes no rate of two looks less than a second apart', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const metrics = createStrataMetrics();
    const rates = subscriberRates(metrics);
    await rates();
    metrics.subscriberEvents.inc({ subscriber: 'a', outcome: 'handled' }, 10);
    vi.setSystemTime(500);
    expect(await rates()).toEqual(new Map());
    vi.setSystemTime(1_000);
    expect(await rates()).toEqual(new Map([['a', 10]]));
  });
});
