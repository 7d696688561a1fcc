export {
  emailReactor,
  EmailNotConfiguredError,
  messageIdOf,
  smtpMailer,
  type EmailEvent,
  type SmtpSettings,
} from './email.js';
export {
  canRun,
  effectSubscriberName,
  sideEffectSubscriber,
  type EmailMessage,
  type Mailer,
  type SideEffectDefinition,
  type SideEffectKind,
  type SideEffectServices,
} from './side-effect.js';
export type { StoredEventOf } from './stored-event-of.js';
