import { describe, expect, it } from 'vitest';

import type { SqlExecutor } from '../store/index.js';
import type { SubscriberStatus } from '../subscriptions/index.js';
import { createStrataMetrics } from './metrics.js';
import { collectSystemGauges, type GaugeSources } from './system-gauges.js';

const status = (name: string, overrides: Partial<SubscriberStatus> = {}): SubscriberStatus => ({
  name,
  state: 'live',
  cursor: undefined,
  lagEvents: 0,
  lagComplete: true,
  lagSeconds: 0,
  parked: 0,
  lastError: undefined,
  ...overrides,
});

function sources(state: {
  subscribers: SubscriberStatus[];
  parkedAges?: { subscriber: string; oldest_seconds: number }[];
  rebuilds?: { projection: string; ratio: number }[];
}): GaugeSources {
  const sql = {
    query: () => Promise.resolve(state.parkedAges ?? []),
  } as unknown as SqlExecutor;
  return {
    sql,
    subscribers: () => Promise.resolve(state.subscribers),
    horizonAgeSeconds: () => Promise.resolve(0),
    rebuilds: () => Promise.resolve(state.rebuilds ?? []),
    lakeArchivedPosition: () => undefined,
  };
}

const valueOf = async (
  metrics: ReturnType<typeof createStrataMetrics>,
  name: string,
  labels: Record<string, string>,
) => {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  )?.value;
};

describe('the state gauges read at each scrape', () => {
  it('sets lag, parked events and their age, and the lease, per subscriber', async () => {
    const metrics = createStrataMetrics();
    await collectSystemGauges(
      metrics,
      sources({
        subscribers: [
          status('projection:a', { lagEvents: 12, lagSeconds: 3.5, parked: 2 }),
          status('effect:b', { state: 'standby' }),
        ],
        parkedAges: [{ subscriber: 'projection:a', oldest_seconds: 90 }],
      }),
    );
    const a = { subscriber: 'projection:a' };
    expect(await valueOf(metrics, 'strata_subscriber_lag_events', a)).toBe(12);
    expect(await valueOf(metrics, 'strata_subscriber_lag_seconds', a)).toBe(3.5);
    expect(await valueOf(metrics, 'strata_subscriber_parked_events', a)).toBe(2);
    expect(await valueOf(metrics, 'strata_subscriber_oldest_parked_age_seconds', a)).toBe(90);
    expect(await valueOf(metrics, 'strata_subscriber_lease_held', a)).toBe(1);
    const b = { subscriber: 'effect:b' };
    expect(await valueOf(metrics, 'strata_subscriber_lease_held', b)).toBe(0);
    expect(await valueOf(metrics, 'strata_subscriber_oldest_parked_age_seconds', b)).toBe(0);
  });

  it('drops a subscriber and a rebuild that are gone, and reports a rebuild under way', async () => {
    const metrics = createStrataMetrics();
    await collectSystemGauges(
      metrics,
      sources({
        subscribers: [status('webhook:gone')],
        rebuilds: [{ projection: 'users', ratio: 0.25 }],
      }),
    );
    expect(
      await valueOf(metrics, 'strata_projection_rebuild_progress_ratio', { projection: 'users' }),
    ).toBe(0.25);
    await collectSystemGauges(metrics, sources({ subscribers: [] }));
    expect(
      await valueOf(metrics, 'strata_subscriber_lag_events', { subscriber: 'webhook:gone' }),
    ).toBeUndefined();
    expect(
      await valueOf(metrics, 'strata_projection_rebuild_progress_ratio', { projection: 'users' }),
    ).toBeUndefined();
  });
});
