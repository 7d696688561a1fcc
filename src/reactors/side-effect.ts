import type { EventDefinition } from '../messages/index.js';
import type { RetryPolicy } from '../retry.js';
import type { StoredEvent } from '../store/index.js';
import type { SubscriberDefinition } from '../subscriptions/index.js';
import type { Attempt, AttemptRecorder } from './attempt-log.js';

/** What a side effect reaches the outside world through, given by the system from config. */
export interface SideEffectServices {
  /** Sends one e-mail; `undefined` when no SMTP server is configured (e-mail effects are off). */
  readonly mailer: Mailer | undefined;
  /** Purges cached URLs; `undefined` when no purge endpoint is configured (CDN effects are off). */
  readonly cdn?: CdnPurger | undefined;
}

/** Purges paths from a CDN's cache; `callerReference` names the request for the CDN's logs. */
export interface CdnPurger {
  purge(paths: readonly string[], callerReference: string): Promise<void>;
}

/** An e-mail, as an e-mail effect renders it from an event. */
export interface EmailMessage {
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** Sends e-mails (SMTP in `strata serve`); `messageId` is the receiver's duplicate check. */
export interface Mailer {
  send(
    message: EmailMessage & { readonly messageId: string; readonly eventId: string },
  ): Promise<void>;
  close(): void;
}

/** Which outside service a side effect needs (a webhook names its own, the endpoint). */
export type SideEffectKind = 'email' | 'cdn' | 'webhook';

/** How an attempt went, as the effect that made it knows it: the delivery log's details. */
export interface AttemptDetail {
  readonly httpStatus?: number;
  readonly durationMs?: number;
}

/** Where an effect that reports its own attempts (`reportsAttempts`) records each one. */
export interface AttemptReport {
  delivered(event: StoredEvent, detail?: AttemptDetail): void;
  failed(event: StoredEvent, error: string, detail?: AttemptDetail): void;
}

/**
 * A reactor that acts on the outside world: at least once, outside any transaction, the event
 * id as the idempotency key it hands over (an e-mail's `Message-ID`).
 */
export interface SideEffectDefinition {
  readonly name: string;
  readonly kind: SideEffectKind;
  /** The event types it acts on; `undefined`: every event (a webhook endpoint taking all). */
  readonly eventTypes: readonly string[] | undefined;
  /** Where it starts the first time: the log's end (default: history is not replayed) or start. */
  readonly startFrom?: 'beginning' | 'end';
  /** Attempts made at once before the event is parked (default: immediately, then within 5 s). */
  readonly retry?: Partial<RetryPolicy>;
  /** Delays of the attempts after parking (default `DEFAULT_RETRY_SCHEDULE_MS`: 5 min … 10 h). */
  readonly scheduleMs?: readonly number[];
  /**
   * Events handed over together: up to `maxEvents`, gathered for up to `windowMs` (a CDN purge
   * of many paths in one call). Default one at a time. A failing batch is tried again one event
   * at a time, so one event is parked, not its batch-mates.
   */
  readonly batch?: { readonly maxEvents: number; readonly windowMs: number };
  /**
   * Whether `deliver` records each attempt in its `report` itself (a webhook: each event its
   * own request and status). Otherwise the batch's outcome is logged for each of its events.
   */
  readonly reportsAttempts?: boolean;
  deliver(
    events: readonly StoredEvent[],
    services: SideEffectServices,
    report: AttemptReport,
  ): Promise<void>;
}

/** The service each kind of effect needs, present or not. */
const SERVICE_OF: Record<SideEffectKind, (services: SideEffectServices) => unknown> = {
  email: (services) => services.mailer,
  cdn: (services) => services.cdn,
  webhook: () => true,
};

/** Whether the service an effect needs is configured. */
export const canRun = (effect: SideEffectDefinition, services: SideEffectServices): boolean =>
  SERVICE_OF[effect.kind](services) !== undefined;

/** The subscriber name of an effect: its checkpoint, lease and parked events. */
export const effectSubscriberName = (effect: SideEffectDefinition): string =>
  `effect:${effect.name}`;

/**
 * The subscriber running `effect`: events in log order (so in order per stream), one at a time
 * unless it batches,
 * the external call made with no transaction open and the checkpoint committed after it (at
 * least once); a failing event is retried, then parked with its stream's later events held
 * behind it while other streams flow on (`strata parked retry|skip`). A projection rebuild or a
 * replay never runs it: it is its own subscriber with its own checkpoint.
 */
export function sideEffectSubscriber(
  effect: SideEffectDefinition,
  services: SideEffectServices,
  recordAttempts: AttemptRecorder,
): SubscriberDefinition {
  const name = effectSubscriberName(effect);
  return {
    name,
    filter: effect.eventTypes === undefined ? {} : { types: effect.eventTypes },
    transactional: false,
    batchSize: effect.batch?.maxEvents ?? 1,
    lingerMs: effect.batch?.windowMs ?? 0,
    startFrom: effect.startFrom ?? 'end',
    onPoisonEvent: 'park',
    retry: retryPolicyOf(effect),
    handle: (events) =>
      deliverLogged(effect, events, services, (attempts) => recordAttempts(name, attempts)),
  };
}

/**
 * Runs `effect` on `events` and logs its attempts: those it reported, or the batch's outcome
 * for each event. A log that cannot be written after a failure does not hide the failure.
 */
async function deliverLogged(
  effect: SideEffectDefinition,
  events: readonly StoredEvent[],
  services: SideEffectServices,
  log: (attempts: readonly Attempt[]) => Promise<void>,
): Promise<void> {
  const attempts: Attempt[] = [];
  const report: AttemptReport = {
    delivered: (event, detail = {}) =>
      attempts.push({ event, outcome: 'delivered', durationMs: 0, ...detail }),
    failed: (event, error, detail = {}) =>
      attempts.push({ event, outcome: 'failed', durationMs: 0, error, ...detail }),
  };
  const started = performance.now();
  const forEach = (outcome: Pick<Attempt, 'outcome' | 'error'>) => {
    if (effect.reportsAttempts === true) return;
    const durationMs = performance.now() - started;
    for (const event of events) attempts.push({ event, durationMs, ...outcome });
  };
  try {
    await effect.deliver(events, services, report);
  } catch (error) {
    forEach({ outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
    await log(attempts).catch(() => undefined);
    throw error;
  }
  forEach({ outcome: 'delivered' });
  await log(attempts);
}

/**
 * Attempts made at once: immediately, then again within 5 s; the event is then parked for its
 * stream and retried on the schedule (`retry-schedule.ts`), other streams flowing meanwhile.
 */
const RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 5_000, maxDelayMs: 5_000 };

/** The attempts `effect` makes at once. */
export const retryPolicyOf = (effect: SideEffectDefinition): RetryPolicy => ({
  ...RETRY,
  ...effect.retry,
});

/** What every kind of effect takes besides its own options: its name, events and retries. */
export interface EffectOptions<Events extends readonly EventDefinition[]> {
  readonly name: string;
  readonly on: Events;
  readonly startFrom?: 'beginning' | 'end';
  readonly retry?: Partial<RetryPolicy>;
  readonly scheduleMs?: readonly number[];
}

/** The common part of an effect's definition, from its options. */
export function effectBasics(
  options: EffectOptions<readonly EventDefinition[]>,
): Pick<SideEffectDefinition, 'name' | 'eventTypes' | 'startFrom' | 'retry' | 'scheduleMs'> {
  return {
    name: options.name,
    eventTypes: options.on.map((event) => event.name),
    ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.scheduleMs === undefined ? {} : { scheduleMs: options.scheduleMs }),
  };
}
