import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { collectSystemGauges, type GaugeSources } from '../../observability/index.js';
import { decodeCursor } from '../../store/index.js';
import type { Authenticator } from '../auth.js';

/** What the state gauges of `system` read at each scrape. */
function gaugeSourcesOf(system: StrataSystem): GaugeSources {
  return {
    sql: system.store.driver,
    subscribers: () => system.engine.status(),
    async horizonAgeSeconds() {
      // Any open transaction holds readers back, not only one old enough to report elsewhere.
      const { heldBy } = await system.store.horizon({ olderThanMs: 0 });
      return heldBy?.ageSeconds ?? 0;
    },
    async rebuilds() {
      const rebuilds = (system.app.projections ?? []).flatMap((projection) => {
        const rebuild = system.projections.currentRebuild(projection.name);
        return rebuild === undefined ? [] : [rebuild];
      });
      return Promise.all(
        rebuilds.map(async (rebuild) => {
          const { eventsDone, eventsRemaining } = await rebuild.progress();
          const total = eventsDone + eventsRemaining;
          return { projection: rebuild.projection, ratio: total === 0 ? 1 : eventsDone / total };
        }),
      );
    },
    lakeArchivedPosition() {
      const archivedTo = system.lake?.status().archivedTo;
      return archivedTo === undefined ? undefined : Number(decodeCursor(archivedTo).globalPosition);
    },
  };
}

/**
 * `GET /metrics`: the system's metrics in Prometheus's text format, its state gauges (lag,
 * parked events, the horizon) read fresh for each scrape; the `admin` role when keys are on.
 */
export function metricsRoutes(system: StrataSystem, auth: Authenticator) {
  const sources = gaugeSourcesOf(system);
  const { registry } = system.metrics;
  return function metrics(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get('/metrics', { onRequest: auth.authorize('admin') }, async (_request, reply) => {
      await collectSystemGauges(system.metrics, sources);
      void reply.type(registry.contentType);
      return registry.metrics();
    });
    done();
  };
}
