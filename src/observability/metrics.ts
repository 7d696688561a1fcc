import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from a fast append on one machine (1 ms) to a command stuck behind a lock (10 s). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Events per append: a command's handful up to an import's thousand. */
const BATCH_BUCKETS = [1, 2, 5, 10, 50, 100, 500, 1000];

/**
 * The instruments a system records into, in a registry of its own (so two systems in one
 * process, as in tests, never mix). Names follow Prometheus conventions: `strata_` prefix,
 * base units, counters ending in `_total`. Gauges read from the database (lag, parked events,
 * the horizon) are set when `/metrics` is scraped (`collectSystemGauges`).
 */
export interface StrataMetrics {
  readonly registry: Registry;
  readonly appendDuration: Histogram<'outcome'>;
  readonly appendBatchSize: Histogram;
  readonly eventsAppended: Counter<'type' | 'category'>;
  readonly appendConflicts: Counter;
  readonly commandDuration: Histogram<'command' | 'outcome'>;
  readonly queryDuration: Histogram<'query' | 'outcome'>;
  readonly queryConsistencyWait: Histogram<'query'>;
  readonly queryConsistencyTimeouts: Counter<'query'>;
  readonly subscriberEvents: Counter<'subscriber' | 'outcome'>;
  readonly subscriberHandlerDuration: Histogram<'subscriber'>;
  readonly subscriberFailures: Counter<'subscriber'>;
  readonly subscriberLagEvents: Gauge<'subscriber'>;
  readonly subscriberLagSeconds: Gauge<'subscriber'>;
  readonly subscriberParked: Gauge<'subscriber'>;
  readonly subscriberOldestParkedAge: Gauge<'subscriber'>;
  readonly subscriberLeaseHeld: Gauge<'subscriber'>;
  readonly horizonAge: Gauge;
  readonly projectionRebuildProgress: Gauge<'projection'>;
  readonly busPublished: Counter;
  readonly busDuplicates: Counter;
  readonly lakeArchivedPosition: Gauge;
  readonly sideEffectDeliveries: Counter<'effect' | 'outcome'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A system's metrics, with Node's process metrics (CPU, memory, event-loop lag) beside them. */
export function createStrataMetrics(): StrataMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges `…_total`, which Prometheus keeps for counters (promtool
  // says so): the exposition stays lint-clean without them.
  for (const misnamed of MISNAMED_DEFAULTS) registry.removeSingleMetric(misnamed);
  const registers = [registry];
  return {
    registry,
    ...appendInstruments(registers),
    ...requestInstruments(registers),
    ...subscriberInstruments(registers),
    ...downstreamInstruments(registers),
  };
}

function appendInstruments(registers: Registry[]) {
  return {
    appendDuration: new Histogram({
      name: 'strata_append_duration_seconds',
      help: 'Time to append to a stream, by outcome (ok, conflict, error)',
      labelNames: ['outcome'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    appendBatchSize: new Histogram({
      name: 'strata_append_batch_size',
      help: 'Events written by one append',
      buckets: BATCH_BUCKETS,
      registers,
    }),
    eventsAppended: new Counter({
      name: 'strata_events_appended_total',
      help: 'Events appended, by event type and stream category (the stream id before its first -)',
      labelNames: ['type', 'category'] as const,
      registers,
    }),
    appendConflicts: new Counter({
      name: 'strata_append_conflicts_total',
      help: 'Appends refused because the stream was not at the expected version',
      registers,
    }),
  };
}

function requestInstruments(registers: Registry[]) {
  return {
    commandDuration: new Histogram({
      name: 'strata_command_duration_seconds',
      help: 'Time to handle a command, by command type and outcome',
      labelNames: ['command', 'outcome'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    queryDuration: new Histogram({
      name: 'strata_query_duration_seconds',
      help: 'Time to answer a query (consistency wait included), by query and outcome',
      labelNames: ['query', 'outcome'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    queryConsistencyWait: new Histogram({
      name: 'strata_query_consistency_wait_seconds',
      help: 'Time a read-your-writes query waited for its read models to reach a position',
      labelNames: ['query'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    queryConsistencyTimeouts: new Counter({
      name: 'strata_query_consistency_timeouts_total',
      help: 'Read-your-writes queries answered 503 because read models did not catch up in time',
      labelNames: ['query'] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'strata_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
  };
}

function subscriberInstruments(registers: Registry[]) {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['subscriber'] as const, registers });
  return {
    subscriberEvents: new Counter({
      name: 'strata_subscriber_events_total',
      help: 'Events a subscriber of this process finished, by outcome (handled; failed: parked; blocked: parked behind a failed one)',
      labelNames: ['subscriber', 'outcome'] as const,
      registers,
    }),
    subscriberHandlerDuration: new Histogram({
      name: 'strata_subscriber_handler_duration_seconds',
      help: "Time a subscriber's handler took over one batch",
      labelNames: ['subscriber'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    subscriberFailures: new Counter({
      name: 'strata_subscriber_failures_total',
      help: "Batches a subscriber's handler failed (each is retried or its poison event parked)",
      labelNames: ['subscriber'] as const,
      registers,
    }),
    subscriberLagEvents: gauge(
      'strata_subscriber_lag_events',
      'Committed events after the checkpoint that the subscriber will read',
    ),
    subscriberLagSeconds: gauge(
      'strata_subscriber_lag_seconds',
      'Age of the oldest event the subscriber has not read yet; 0 when caught up',
    ),
    subscriberParked: gauge(
      'strata_subscriber_parked_events',
      'Events parked for the subscriber: failed, or blocked behind a failed one',
    ),
    subscriberOldestParkedAge: gauge(
      'strata_subscriber_oldest_parked_age_seconds',
      'Time since the oldest event still parked for the subscriber was parked; 0 when none',
    ),
    subscriberLeaseHeld: gauge(
      'strata_subscriber_lease_held',
      'Whether this process holds the subscriber lease and runs it (1) or not (0)',
    ),
  };
}

function downstreamInstruments(registers: Registry[]) {
  return {
    horizonAge: new Gauge({
      name: 'strata_horizon_age_seconds',
      help: 'Age of the oldest open transaction holding every reader of the log back; 0 when none',
      registers,
    }),
    projectionRebuildProgress: new Gauge({
      name: 'strata_projection_rebuild_progress_ratio',
      help: 'Share of the log a projection rebuild under way has applied (0 to 1)',
      labelNames: ['projection'] as const,
      registers,
    }),
    busPublished: new Counter({
      name: 'strata_bus_published_total',
      help: 'Events the bus forwarder published to NATS JetStream',
      registers,
    }),
    busDuplicates: new Counter({
      name: 'strata_bus_duplicates_total',
      help: 'Events the bus forwarder found in the stream already (after a restart) and did not publish again',
      registers,
    }),
    lakeArchivedPosition: new Gauge({
      name: 'strata_lake_archived_position',
      help: 'Global position of the last event the lake archiver stored',
      registers,
    }),
    sideEffectDeliveries: new Counter({
      name: 'strata_side_effect_deliveries_total',
      help: 'Side-effect attempts (e-mail, CDN purge, webhook), by effect and outcome',
      labelNames: ['effect', 'outcome'] as const,
      registers,
    }),
  };
}
