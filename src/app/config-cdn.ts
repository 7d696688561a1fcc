import { Type } from 'typebox';

/**
 * The `cdn` section: where CDN effects purge — a generic endpoint (`url`, `STRATA_CDN_PURGE_URL`)
 * or Cloudflare (`cloudflare`); unset, CDN effects are off.
 */
export const CdnConfigSchema = Type.Object(
  {
    /** A generic purge endpoint: POST `{"paths": [...]}` to it, or `PURGE` each path under it. */
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    method: Type.Optional(Type.Union([Type.Literal('POST'), Type.Literal('PURGE')])),
    cloudflare: Type.Optional(
      Type.Object(
        {
          zoneId: Type.String({ minLength: 1 }),
          token: Type.String({ minLength: 1 }),
          siteUrl: Type.String({ pattern: '^https?://' }),
          apiUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
          urlsPerCall: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** The `cdn` section after `STRATA_CDN_PURGE_URL` and `STRATA_CDN_PURGE_METHOD` are laid over it. */
export function cdnSettings(
  fileCdn: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  const url = env.STRATA_CDN_PURGE_URL?.trim();
  const method = env.STRATA_CDN_PURGE_METHOD?.trim().toUpperCase();
  if (url === undefined || url === '') return fileCdn;
  const base = typeof fileCdn === 'object' && fileCdn !== null ? fileCdn : {};
  return { ...base, url, ...(method === undefined || method === '' ? {} : { method }) };
}
