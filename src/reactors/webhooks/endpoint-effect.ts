import type { SqlExecutor, StoredEvent } from '../../store/index.js';
import { EventsFailedError } from '../../subscriptions/index.js';
import type { AttemptReport, SideEffectDefinition } from '../side-effect.js';
import {
  clearFailing,
  markFailing,
  secretsInUse,
  setEndpointEnabled,
  type WebhookEndpoint,
} from './endpoints.js';
import { postWebhook, type PostOutcome } from './post.js';
import type { WebhookSettings } from './settings.js';

/** What an endpoint's deliveries need besides the endpoint. */
export interface EndpointDeliveryContext {
  readonly sql: SqlExecutor;
  readonly settings: WebhookSettings;
  /** The clock an endpoint's failing time is judged by (tests move it on). */
  readonly now: () => number;
  /** Told when an endpoint was disabled by its failures, to stop delivering to it. */
  readonly onDisabled: (endpointId: string) => void;
}

type Failure = Extract<PostOutcome, { ok: false }> & { readonly event: StoredEvent };

/**
 * The side effect delivering to `endpoint`: each batch's events POSTed a stream at a time, up
 * to `concurrency` streams at once, each stream in order and stopped at its first failure. A
 * failed event is parked for its stream with the rest of the batch checkpointed (other
 * streams flow on, nothing delivered is posted again) and retried on the schedule;
 * an endpoint answering 410, or failing for `disableAfterMs`, is disabled with the reason.
 */
export function webhookEffect(
  endpoint: WebhookEndpoint,
  context: EndpointDeliveryContext,
): SideEffectDefinition {
  const { settings } = context;
  let failing = endpoint.failingSince !== undefined;

  async function deliverOne(
    event: StoredEvent,
    secrets: string[],
    report: AttemptReport,
  ): Promise<Failure | undefined> {
    const outcome = await postWebhook(endpoint.url, event, secrets, settings.timeoutMs);
    const detail = { httpStatus: outcome.httpStatus, durationMs: outcome.durationMs };
    if (outcome.ok) {
      report.delivered(event, detail);
      return undefined;
    }
    report.failed(event, outcome.error, detail);
    return { ...outcome, event };
  }

  async function onFailures(failures: readonly Failure[]): Promise<never> {
    failing = true;
    const [first] = failures;
    const gone = failures.find((failure) => failure.httpStatus === 410);
    const now = context.now();
    const since = await markFailing(context.sql, endpoint.id, new Date(now));
    const reason =
      gone !== undefined
        ? 'the receiver answered 410 Gone'
        : now - since.getTime() >= settings.disableAfterMs
          ? `failing since ${since.toISOString()}; last: ${first?.error ?? ''}`
          : undefined;
    if (reason !== undefined) {
      await setEndpointEnabled(context.sql, endpoint.id, false, reason);
      context.onDisabled(endpoint.id);
    }
    // The engine parks these (their streams held behind them); the others were delivered.
    throw new EventsFailedError(
      new Map(failures.map((failure) => [failure.event.id, `${endpoint.url} ${failure.error}`])),
    );
  }

  return {
    name: `webhook:${endpoint.id}`,
    kind: 'webhook',
    eventTypes: endpoint.eventTypes,
    startFrom: 'end',
    retry: { maxAttempts: 1 },
    scheduleMs: settings.scheduleMs,
    batch: { maxEvents: settings.batchSize, windowMs: 0 },
    reportsAttempts: true,
    async deliver(events, _services, report) {
      const secrets = secretsInUse(endpoint, Date.now());
      const failures = await eachStreamInOrder(events, settings.concurrency, (event) =>
        deliverOne(event, secrets, report),
      );
      if (failures.length > 0) return onFailures(failures);
      if (failing) {
        failing = false;
        await clearFailing(context.sql, endpoint.id);
      }
    },
  };
}

/**
 * Runs `attempt` on each of `events`: a stream's events one after another, stopping at its
 * first failure (what `attempt` returns), up to `concurrency` streams at a time. Returns the
 * failures.
 */
async function eachStreamInOrder<F>(
  events: readonly StoredEvent[],
  concurrency: number,
  attempt: (event: StoredEvent) => Promise<F | undefined>,
): Promise<F[]> {
  const streams = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream === undefined) streams.set(event.streamId, [event]);
    else stream.push(event);
  }
  const queue = [...streams.values()];
  const failures: F[] = [];
  const lane = async () => {
    for (let stream = queue.shift(); stream !== undefined; stream = queue.shift()) {
      for (const event of stream) {
        const failure = await attempt(event);
        if (failure !== undefined) {
          failures.push(failure);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));
  return failures;
}
