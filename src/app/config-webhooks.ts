import { Type } from 'typebox';

/**
 * The `webhooks` section: how deliveries to the endpoints registered through the API or the
 * CLI are made. Every setting has a default (`DEFAULT_WEBHOOK_SETTINGS`).
 */
export const WebhooksConfigSchema = Type.Object(
  {
    /** How long a receiver has to answer with a 2xx (`STRATA_WEBHOOK_TIMEOUT_MS`). */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Deliveries in flight per endpoint, each to another stream. */
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    /** How long an endpoint may keep failing before it is disabled (`STRATA_WEBHOOK_DISABLE_AFTER_MS`). */
    disableAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Delays of the attempts after the first fails, each from the attempt before. */
    scheduleMs: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 50 })),
    /** How long a rotated-out secret still signs beside the new one. */
    secretGraceMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** How long the delivery log keeps an attempt. */
    deliveryLogRetentionMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const ENV = {
  STRATA_WEBHOOK_TIMEOUT_MS: 'timeoutMs',
  STRATA_WEBHOOK_DISABLE_AFTER_MS: 'disableAfterMs',
} as const;

/**
 * The `webhooks` section with the environment's settings laid over it; a value that is not a
 * whole number is kept as written, for the schema to name.
 */
export function webhooksSettings(
  fileWebhooks: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  const fromEnv = Object.fromEntries(
    Object.entries(ENV)
      .map(([name, key]) => [key, env[name]?.trim()] as const)
      .filter(([, text]) => text !== undefined && text !== '')
      .map(([key, text]) => [key, /^\d+$/.test(text ?? '') ? Number(text) : text]),
  );
  if (Object.keys(fromEnv).length === 0) return fileWebhooks;
  const base = typeof fileWebhooks === 'object' && fileWebhooks !== null ? fileWebhooks : {};
  return { ...base, ...fromEnv };
}
