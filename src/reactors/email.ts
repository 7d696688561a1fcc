import { createTransport } from 'nodemailer';

import type { EventDefinition } from '../messages/index.js';
import { StrataError } from '../errors.js';
import type { StoredEvent } from '../store/index.js';
import {
  effectBasics,
  type EffectOptions,
  type EmailMessage,
  type Mailer,
  type SideEffectDefinition,
} from './side-effect.js';
import type { StoredEventOf } from './stored-event-of.js';

/** An e-mail effect's events, typed from their definitions. */
export type EmailEvent<Events extends readonly EventDefinition[]> = StoredEventOf<Events>;

/** The `Message-ID` of the e-mail for `eventId`: the same on every redelivery. */
export const messageIdOf = (eventId: string, domain: string): string => `<${eventId}@${domain}>`;

/**
 * An e-mail per event of `on`, rendered by `render` (`undefined`: no e-mail for this one),
 * sent through the configured SMTP server with the event id in its `Message-ID`: delivery is
 * at least once (a crash after sending and before the checkpoint sends it again), and the
 * receiver can tell a repeat by that id.
 *
 * @example
 * emailReactor({
 *   name: 'identity.welcome',
 *   on: [UserRegistered],
 *   render: (event) => ({ to: event.data.email, subject: 'Welcome', text: `Hello ${event.data.name}` }),
 * });
 */
export function emailReactor<const Events extends readonly EventDefinition[]>(
  options: EffectOptions<Events> & {
    readonly render: (event: EmailEvent<Events>) => EmailMessage | undefined;
  },
): SideEffectDefinition {
  return Object.freeze({
    ...effectBasics(options),
    kind: 'email' as const,
    async deliver(events: readonly StoredEvent[], { mailer }: { mailer: Mailer | undefined }) {
      if (mailer === undefined) throw new EmailNotConfiguredError();
      for (const event of events) {
        const message = options.render(event as EmailEvent<Events>);
        if (message !== undefined) {
          await mailer.send({ ...message, messageId: event.id, eventId: event.id });
        }
      }
    },
  });
}

/** An e-mail effect ran without an SMTP server configured. */
export class EmailNotConfiguredError extends StrataError {
  readonly code = 'EMAIL_NOT_CONFIGURED';
  constructor() {
    super('No SMTP server is configured: set STRATA_SMTP_URL (smtp://user:pass@host:port)');
  }
}

/** What `smtpMailer` needs: the server's URL and the sender. */
export interface SmtpSettings {
  /** `smtp://[user:pass@]host:port` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  readonly url: string;
  /** The `From` of every e-mail. */
  readonly from: string;
  /** How long a connection, a greeting or a reply may take; default 30 s. */
  readonly timeoutMs?: number;
}

/** nodemailer's transport options for `settings`: host, port, TLS and login from the URL. */
function transportOptions(settings: SmtpSettings) {
  const url = new URL(settings.url);
  const secure = url.protocol === 'smtps:';
  const timeout = settings.timeoutMs ?? 30_000;
  return {
    host: url.hostname,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    ...(url.username === ''
      ? {}
      : {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
}

/** Sends through the SMTP server `settings.url` with nodemailer. */
export function smtpMailer(settings: SmtpSettings): Mailer {
  const transport = createTransport(transportOptions(settings));
  const domain = settings.from.split('@').at(-1)?.replace(/>$/, '') ?? 'strata';
  return {
    async send(message) {
      await transport.sendMail({
        from: settings.from,
        to: typeof message.to === 'string' ? message.to : [...message.to],
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        messageId: messageIdOf(message.messageId, domain),
        headers: { 'Strata-Event-Id': message.eventId },
      });
    },
    close() {
      transport.close();
    },
  };
}
