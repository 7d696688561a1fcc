import { Type } from 'typebox';

/**
 * The `email` section: set (by `STRATA_SMTP_URL` or the config file's `email.url`), e-mail
 * effects run, sending through that SMTP server.
 */
export const EmailConfigSchema = Type.Object(
  {
    /** `smtp://[user:pass@]host:port` (STARTTLS when offered) or `smtps://…`. */
    url: Type.String({ pattern: '^smtps?://' }),
    /** The `From` of every e-mail. */
    from: Type.String({ minLength: 3 }),
    /** How long a connection, a greeting or a reply may take (ms). */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** The sender when neither `STRATA_EMAIL_FROM` nor the file's `email.from` names one. */
const DEFAULT_FROM = 'Strata <strata@localhost>';

/**
 * The `email` section after the environment is laid over the file's: `STRATA_SMTP_URL` names
 * the server, `STRATA_EMAIL_FROM` the sender.
 */
export function emailSettings(
  fileEmail: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  const base =
    typeof fileEmail === 'object' && fileEmail !== null
      ? (fileEmail as Record<string, unknown>)
      : undefined;
  const url = env.STRATA_SMTP_URL?.trim();
  const from = env.STRATA_EMAIL_FROM?.trim();
  if (base === undefined && (url === undefined || url === '')) return fileEmail;
  return {
    from: DEFAULT_FROM,
    ...base,
    ...(url === undefined || url === '' ? {} : { url }),
    ...(from === undefined || from === '' ? {} : { from }),
  };
}
