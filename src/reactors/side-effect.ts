import type { RetryPolicy } from '../retry.js';
import type { StoredEvent } from '../store/index.js';
import type { SubscriberDefinition } from '../subscriptions/index.js';

/** What a side effect reaches the outside world through, given by the system from config. */
export interface SideEffectServices {
  /** Sends one e-mail; `undefined` when no SMTP server is configured (e-mail effects are off). */
  readonly mailer: Mailer | undefined;
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

/** Which outside service a side effect needs. */
export type SideEffectKind = 'email';

/**
 * A reactor that acts on the outside world: at least once, outside any transaction, the event
 * id as the idempotency key it hands over (an e-mail's `Message-ID`).
 */
export interface SideEffectDefinition {
  readonly name: string;
  readonly kind: SideEffectKind;
  readonly eventTypes: readonly string[];
  /** Where it starts the first time: the log's end (default: history is not replayed) or start. */
  readonly startFrom?: 'beginning' | 'end';
  /** Attempts made at once before the event is parked (default: immediately, then within 5 s). */
  readonly retry?: Partial<RetryPolicy>;
  /** Delays of the attempts after parking (default `DEFAULT_RETRY_SCHEDULE_MS`: 5 min … 10 h). */
  readonly scheduleMs?: readonly number[];
  deliver(event: StoredEvent, services: SideEffectServices): Promise<void>;
}

/** The service each kind of effect needs, present or not. */
const SERVICE_OF: Record<SideEffectKind, (services: SideEffectServices) => unknown> = {
  email: (services) => services.mailer,
};

/** Whether the service an effect needs is configured. */
export const canRun = (effect: SideEffectDefinition, services: SideEffectServices): boolean =>
  SERVICE_OF[effect.kind](services) !== undefined;

/** The subscriber name of an effect: its checkpoint, lease and parked events. */
export const effectSubscriberName = (effect: SideEffectDefinition): string =>
  `effect:${effect.name}`;

/**
 * The subscriber running `effect`: one event at a time in log order (so in order per stream),
 * the external call made with no transaction open and the checkpoint committed after it (at
 * least once); a failing event is retried, then parked with its stream's later events held
 * behind it while other streams flow on (`strata parked retry|skip`). A projection rebuild or a
 * replay never runs it: it is its own subscriber with its own checkpoint.
 */
export function sideEffectSubscriber(
  effect: SideEffectDefinition,
  services: SideEffectServices,
): SubscriberDefinition {
  return {
    name: effectSubscriberName(effect),
    filter: { types: effect.eventTypes },
    transactional: false,
    batchSize: 1,
    startFrom: effect.startFrom ?? 'end',
    onPoisonEvent: 'park',
    retry: retryPolicyOf(effect),
    async handle(events) {
      for (const event of events) await effect.deliver(event, services);
    },
  };
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
