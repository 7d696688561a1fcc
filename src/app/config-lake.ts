import { Type } from 'typebox';

/**
 * The `lake` section: set (by `STRATA_LAKE` or the config file's `lake.location`), it turns the
 * lake archiver on. `location` is a directory or `s3://bucket/prefix`.
 */
export const LakeConfigSchema = Type.Object(
  {
    location: Type.String({ minLength: 1 }),
    /** `plain` (`messages/YYYY/MM/DD/HH/`) or `hive` (`year=YYYY/month=MM/…`). */
    layout: Type.Optional(Type.Union([Type.Literal('plain'), Type.Literal('hive')])),
    maxEvents: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    lingerMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Where `strata lake query`/`compact` keep copies of S3 objects (default: under the OS temp dir). */
    cacheDir: Type.Optional(Type.String({ minLength: 1 })),
    /** S3 beyond the AWS SDK's own environment (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL`). */
    s3: Type.Optional(
      Type.Object(
        {
          endpoint: Type.Optional(Type.String({ pattern: '^https?://' })),
          region: Type.Optional(Type.String({ minLength: 1 })),
          forcePathStyle: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * The `lake` section after the environment is laid over the file's: `STRATA_LAKE` names the
 * location, `AWS_S3_FORCE_PATH_STYLE=true` asks for path-style S3 URLs (most S3-compatible
 * servers need them); the file keeps the rest.
 */
export function lakeSettings(
  fileLake: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  const base =
    typeof fileLake === 'object' && fileLake !== null
      ? (fileLake as Record<string, unknown>)
      : undefined;
  const location = env.STRATA_LAKE?.trim();
  if (base === undefined && (location === undefined || location === '')) return fileLake;
  const pathStyle = env.AWS_S3_FORCE_PATH_STYLE?.trim().toLowerCase();
  const s3 = {
    ...(typeof base?.s3 === 'object' && base.s3 !== null ? base.s3 : {}),
    ...(pathStyle === 'true'
      ? { forcePathStyle: true }
      : pathStyle === 'false'
        ? { forcePathStyle: false }
        : {}),
  };
  return {
    ...base,
    ...(location === undefined || location === '' ? {} : { location }),
    ...(Object.keys(s3).length === 0 ? {} : { s3 }),
  };
}
