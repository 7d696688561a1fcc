export { addSideEffects, type SystemEffects } from './effects.js';
export {
  emailReactor,
  EmailNotConfiguredError,
  messageIdOf,
  smtpMailer,
  type EmailEvent,
  type SmtpSettings,
} from './email.js';
export {
  DEFAULT_RETRY_SCHEDULE_MS,
  dueForRetry,
  startRetryScheduler,
  type RetrySchedulerOptions,
  type ScheduledRetries,
} from './retry-schedule.js';
export {
  canRun,
  retryPolicyOf,
  effectSubscriberName,
  sideEffectSubscriber,
  type AttemptDetail,
  type AttemptReport,
  type CdnPurger,
  type EmailMessage,
  type Mailer,
  type SideEffectDefinition,
  type SideEffectKind,
  type SideEffectServices,
} from './side-effect.js';
export type { StoredEventOf } from './stored-event-of.js';
export {
  cdnInvalidationReactor,
  CdnNotConfiguredError,
  CdnPurgeError,
  cloudflarePurger,
  httpPurger,
  type CloudflarePurgeSettings,
  type HttpPurgeSettings,
} from './cdn.js';
export {
  attemptRecorder,
  listAttempts,
  logAttempts,
  pruneAttempts,
  summarizeAttempts,
  type Attempt,
  type AttemptQuery,
  type AttemptRecorder,
  type AttemptSummary,
  type LoggedAttempt,
} from './attempt-log.js';
export { effectStatus, type EffectStatus } from './effect-status.js';
export * from './webhooks/index.js';
