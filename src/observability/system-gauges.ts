import type { SqlExecutor } from '../store/index.js';
import type { SubscriberStatus } from '../subscriptions/index.js';
import type { StrataMetrics } from './metrics.js';

/** What the gauges read when `/metrics` is scraped: the system's state, asked each time. */
export interface GaugeSources {
  readonly sql: SqlExecutor;
  readonly subscribers: () => Promise<readonly SubscriberStatus[]>;
  /** Seconds the oldest transaction holding readers back has been open; 0 when none does. */
  readonly horizonAgeSeconds: () => Promise<number>;
  /** Each rebuild under way: its projection and the share of the log it has applied. */
  readonly rebuilds: () => Promise<readonly { projection: string; ratio: number }[]>;
  /** The global position the lake archiver has stored up to; `undefined` without a lake. */
  readonly lakeArchivedPosition: () => number | undefined;
}

interface ParkedAgeRow {
  readonly subscriber: string;
  readonly oldest_seconds: number;
}

// One query for every subscriber's oldest parked event (failed or blocked; skipped ones are
// settled), rather than a listing per subscriber.
const OLDEST_PARKED_SQL = `
  SELECT subscriber, EXTRACT(EPOCH FROM now() - min(parked_at))::float8 AS oldest_seconds
  FROM parked_events WHERE status IN ('failed', 'blocked') GROUP BY subscriber`;

/**
 * Sets the gauges that describe state rather than count happenings, from `sources`, just
 * before an exposition: lag, parked events and their age, leases, the horizon, rebuilds, the
 * lake's position. A subscriber or rebuild no longer there is dropped from its gauge.
 */
export async function collectSystemGauges(
  metrics: StrataMetrics,
  sources: GaugeSources,
): Promise<void> {
  const [subscribers, parkedAges, horizonAge, rebuilds] = await Promise.all([
    sources.subscribers(),
    sources.sql.query<ParkedAgeRow>(OLDEST_PARKED_SQL),
    sources.horizonAgeSeconds(),
    sources.rebuilds(),
  ]);
  const subscriberGauges = [
    metrics.subscriberLagEvents,
    metrics.subscriberLagSeconds,
    metrics.subscriberParked,
    metrics.subscriberOldestParkedAge,
    metrics.subscriberLeaseHeld,
  ];
  for (const gauge of subscriberGauges) gauge.reset();
  const oldest = new Map(parkedAges.map((row) => [row.subscriber, row.oldest_seconds]));
  for (const status of subscribers) {
    const labels = { subscriber: status.name };
    metrics.subscriberLagEvents.set(labels, status.lagEvents);
    metrics.subscriberLagSeconds.set(labels, status.lagSeconds);
    metrics.subscriberParked.set(labels, status.parked);
    metrics.subscriberOldestParkedAge.set(labels, Math.max(0, oldest.get(status.name) ?? 0));
    metrics.subscriberLeaseHeld.set(labels, holdsLease(status) ? 1 : 0);
  }
  metrics.horizonAge.set(horizonAge);
  metrics.projectionRebuildProgress.reset();
  for (const { projection, ratio } of rebuilds) {
    metrics.projectionRebuildProgress.set({ projection }, ratio);
  }
  const archived = sources.lakeArchivedPosition();
  if (archived !== undefined) metrics.lakeArchivedPosition.set(archived);
}

/** Whether this process runs the subscriber (it may be failed, but the lease is its own). */
const holdsLease = (status: SubscriberStatus): boolean =>
  status.state !== 'standby' && status.state !== 'stopped';
