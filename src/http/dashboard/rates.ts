import type { StrataMetrics } from '../../observability/index.js';

interface Sample {
  readonly at: number;
  readonly counts: ReadonlyMap<string, number>;
}

/** Under this, two samples are too close to make a rate of. */
const MIN_INTERVAL_MS = 1_000;

/**
 * Each subscriber's rate in events per second, from this process's metrics: the events it
 * finished (handled or parked) between the previous look and this one. A page that refreshes
 * shows it from its second load; subscribers run by another process show none.
 */
export function subscriberRates(metrics: StrataMetrics) {
  let previous: Sample | undefined;

  async function sample(): Promise<Sample> {
    const counts = new Map<string, number>();
    for (const { labels, value } of (await metrics.subscriberEvents.get()).values) {
      const name = String(labels.subscriber);
      counts.set(name, (counts.get(name) ?? 0) + value);
    }
    return { at: Date.now(), counts };
  }

  return async function rates(): Promise<ReadonlyMap<string, number>> {
    const current = await sample();
    const before = previous;
    if (before === undefined || current.at - before.at < MIN_INTERVAL_MS) {
      previous ??= current;
      return new Map();
    }
    previous = current;
    const seconds = (current.at - before.at) / 1000;
    return new Map(
      [...current.counts].map(([name, count]) => [
        name,
        (count - (before.counts.get(name) ?? 0)) / seconds,
      ]),
    );
  };
}
