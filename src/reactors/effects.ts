import type { AttemptRecorder } from './attempt-log.js';
import type { SubscriptionEngine } from '../subscriptions/index.js';
import { DEFAULT_RETRY_SCHEDULE_MS, type ScheduledRetries } from './retry-schedule.js';
import {
  canRun,
  effectSubscriberName,
  retryPolicyOf,
  sideEffectSubscriber,
  type SideEffectDefinition,
  type SideEffectServices,
} from './side-effect.js';

/** An app's side effects: those that run, those off for want of their service, their schedules. */
export interface SystemEffects {
  readonly running: readonly string[];
  readonly off: readonly { readonly name: string; readonly kind: string }[];
  /** The schedules their parked events are retried on. */
  readonly schedules: readonly ScheduledRetries[];
}

/**
 * Adds to `engine` a subscriber for each of `effects` whose service is configured, logging
 * their attempts through `recordAttempts`.
 */
export function addSideEffects(
  effects: readonly SideEffectDefinition[],
  engine: SubscriptionEngine,
  services: SideEffectServices,
  recordAttempts: AttemptRecorder,
): SystemEffects {
  const running: string[] = [];
  const off: { name: string; kind: string }[] = [];
  const schedules: ScheduledRetries[] = [];
  for (const effect of effects) {
    if (!canRun(effect, services)) {
      off.push({ name: effect.name, kind: effect.kind });
      continue;
    }
    engine.add(sideEffectSubscriber(effect, services, recordAttempts));
    running.push(effectSubscriberName(effect));
    schedules.push({
      subscriber: effectSubscriberName(effect),
      scheduleMs: effect.scheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS,
      attemptsBeforeParking: retryPolicyOf(effect).maxAttempts,
    });
  }
  return { running, off, schedules };
}
