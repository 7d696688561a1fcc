import type { StrataMetrics } from './metrics.js';

/**
 * The observers a system hands its parts (store, command bus, queries, subscription engine,
 * bus relay, side effects), each recording into `metrics`. The parts only know their own
 * observer's shape; this is where those shapes meet Prometheus.
 */
export function metricsObservers(metrics: StrataMetrics) {
  return {
    onAppend: (outcome: string, seconds: number, streamId: string, types: readonly string[]) => {
      metrics.appendDuration.observe({ outcome }, seconds);
      if (outcome === 'conflict') metrics.appendConflicts.inc();
      if (outcome !== 'ok') return;
      metrics.appendBatchSize.observe(types.length);
      const category = categoryOf(streamId);
      for (const type of types) metrics.eventsAppended.inc({ type, category });
    },
    onCommand: (command: string, outcome: string, seconds: number) => {
      metrics.commandDuration.observe({ command, outcome }, seconds);
    },
    queries: {
      answered(query: string, outcome: string, seconds: number) {
        metrics.queryDuration.observe({ query, outcome }, seconds);
      },
      waited(query: string, seconds: number, timedOut: boolean) {
        metrics.queryConsistencyWait.observe({ query }, seconds);
        if (timedOut) metrics.queryConsistencyTimeouts.inc({ query });
      },
    },
    subscribers: {
      committed(
        subscriber: string,
        step: {
          handled: number;
          parked: readonly string[];
          handlerSeconds: number | undefined;
        },
      ) {
        if (step.handled > 0)
          metrics.subscriberEvents.inc({ subscriber, outcome: 'handled' }, step.handled);
        for (const outcome of step.parked) metrics.subscriberEvents.inc({ subscriber, outcome });
        if (step.handlerSeconds !== undefined) {
          metrics.subscriberHandlerDuration.observe({ subscriber }, step.handlerSeconds);
        }
      },
      failed(subscriber: string) {
        metrics.subscriberFailures.inc({ subscriber });
      },
    },
    relay: {
      forwarded(published: number, duplicates: number) {
        metrics.busPublished.inc(published);
        metrics.busDuplicates.inc(duplicates);
      },
    },
    onAttempts: (subscriber: string, attempts: readonly { outcome: string }[]) => {
      for (const { outcome } of attempts) {
        metrics.sideEffectDeliveries.inc({ effect: subscriber, outcome });
      }
    },
  };
}

/**
 * A stream's category: its id up to the first `-` (`project-42` → `project`). An id without
 * one has no category (`none`): were it its own, each stream would be a label value.
 */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash <= 0 ? 'none' : streamId.slice(0, dash);
}
