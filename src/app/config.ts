import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Type, type Static } from 'typebox';

import { StrataError } from '../errors.js';
import { validatorFor } from '../messages/index.js';
import { API_KEY_ROLES, choiceProblems, LOG_LEVELS } from './config-choices.js';
import { CdnConfigSchema, cdnSettings } from './config-cdn.js';
import { EmailConfigSchema, emailSettings } from './config-email.js';
import { WebhooksConfigSchema, webhooksSettings } from './config-webhooks.js';
import { LakeConfigSchema, lakeSettings } from './config-lake.js';
import { NatsConfigSchema, natsSettings } from './config-nats.js';

const Role = Type.Enum(API_KEY_ROLES);

const ConfigSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.Optional(Type.String({ minLength: 1 })),
    dataDir: Type.String({ minLength: 1 }),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    schema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,47}$' }),
    app: Type.Optional(Type.String({ minLength: 1 })),
    apiKeys: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          key: Type.String({ minLength: 16 }),
          roles: Type.Array(Role, { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    bodyLimitBytes: Type.Integer({ minimum: 1024 }),
    /** PostgreSQL: ends Strata sessions idle in a transaction this long (ms); 0 = never. */
    idleInTransactionTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** How long a command retries a race for its stream lost to another process (ms). */
    commandRetryDeadlineMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** `serve`: how long stopping may take before the process exits anyway (ms). */
    shutdownTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    logLevel: Type.Enum(LOG_LEVELS),
    /** The bus: on when set (`NATS_URL` or the file's `nats.servers`). */
    nats: Type.Optional(NatsConfigSchema),
    /** The lake: on when set (`STRATA_LAKE` or the file's `lake.location`). */
    lake: Type.Optional(LakeConfigSchema),
    /** E-mail effects: on when set (`STRATA_SMTP_URL` or the file's `email.url`). */
    email: Type.Optional(EmailConfigSchema),
    /** CDN effects: on when set (`STRATA_CDN_PURGE_URL`, the file's `cdn.url` or `cdn.cloudflare`). */
    cdn: Type.Optional(CdnConfigSchema),
    /** Webhook deliveries: timeouts, concurrency, retry schedule, disabling, secret rotation. */
    webhooks: Type.Optional(WebhooksConfigSchema),
  },
  { additionalProperties: false },
);

/** Strata's configuration, resolved from flags, environment, config file and defaults. */
export type StrataConfig = Static<typeof ConfigSchema>;

/** The configuration is missing something or breaks a rule; the message names each problem. */
export class ConfigError extends StrataError {
  readonly code = 'INVALID_CONFIGURATION';
}

const DEFAULTS: StrataConfig = {
  port: 3000,
  dataDir: '.strata',
  schema: 'strata',
  apiKeys: [],
  bodyLimitBytes: 1024 * 1024,
  logLevel: 'info',
};

/** Where a setting can come from, highest priority first. */
export interface ConfigSources {
  readonly flags?: Partial<Record<keyof StrataConfig, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file; `STRATA_CONFIG` or `./strata.config.json` when it exists. */
  readonly file?: string;
  /** Below the file, above Strata's own defaults: what a launcher (`npm start`) picks. */
  readonly defaults?: Partial<StrataConfig>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `name:key:role+role,…`, as `STRATA_API_KEYS` carries keys. An entry with more colons keeps
 * them in its key, which validation then refuses by name rather than misreading the roles.
 */
function parseApiKeys(text: string): unknown {
  return text
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const parts = entry.trim().split(':');
      const name = parts[0] ?? '';
      const key = parts.slice(1, Math.max(2, parts.length - 1)).join(':');
      const roles = parts.length > 2 ? (parts.at(-1) ?? '') : '';
      return { name, key, roles: roles.split('+').filter(Boolean) };
    });
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    port: env.PORT === undefined ? undefined : Number(env.PORT),
    host: env.HOST,
    dataDir: env.STRATA_DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    schema: env.STRATA_SCHEMA,
    app: env.STRATA_APP,
    apiKeys: env.STRATA_API_KEYS === undefined ? undefined : parseApiKeys(env.STRATA_API_KEYS),
    bodyLimitBytes: env.STRATA_BODY_LIMIT === undefined ? undefined : Number(env.STRATA_BODY_LIMIT),
    idleInTransactionTimeoutMs:
      env.STRATA_IDLE_IN_TRANSACTION_TIMEOUT_MS === undefined
        ? undefined
        : Number(env.STRATA_IDLE_IN_TRANSACTION_TIMEOUT_MS),
    commandRetryDeadlineMs:
      env.STRATA_COMMAND_RETRY_DEADLINE_MS === undefined
        ? undefined
        : Number(env.STRATA_COMMAND_RETRY_DEADLINE_MS),
    shutdownTimeoutMs:
      env.STRATA_SHUTDOWN_TIMEOUT_MS === undefined
        ? undefined
        : Number(env.STRATA_SHUTDOWN_TIMEOUT_MS),
    logLevel: env.STRATA_LOG_LEVEL,
  };
  return definedOnly(settings);
}

function fromFile(file: string | undefined): Record<string, unknown> {
  if (file === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`The config file ${file} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

const definedOnly = (settings: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));

/**
 * Resolves the configuration: flags over environment over config file over defaults, then
 * validates it, naming every bad setting. Without API keys Strata only listens on localhost.
 */
export function resolveConfig(sources: ConfigSources = {}): StrataConfig {
  const env = sources.env ?? {};
  const defaultFile = path.resolve('strata.config.json');
  const file =
    sources.file ?? env.STRATA_CONFIG ?? (existsSync(defaultFile) ? defaultFile : undefined);
  const fileSettings = fromFile(file);
  const merged = {
    ...DEFAULTS,
    ...definedOnly(sources.defaults ?? {}),
    ...fileSettings,
    ...fromEnv(env),
    ...definedOnly({ nats: natsSettings(fileSettings.nats, env.NATS_URL) }),
    ...definedOnly({ lake: lakeSettings(fileSettings.lake, env) }),
    ...definedOnly({ email: emailSettings(fileSettings.email, env) }),
    ...definedOnly({ cdn: cdnSettings(fileSettings.cdn, env) }),
    ...definedOnly({ webhooks: webhooksSettings(fileSettings.webhooks, env) }),
    ...definedOnly(sources.flags ?? {}),
  };
  const named = choiceProblems(merged);
  // The schema's own words for a setting already named above would only repeat it obscurely.
  const issues = validatorFor(ConfigSchema)
    .issues(merged)
    .filter((issue) => !named.some((problem) => issue.path.slice(1).startsWith(problem.path)));
  if (issues.length + named.length > 0) {
    const problems = [
      ...named.map((problem) => problem.message),
      ...issues.map((issue) => `${issue.path.slice(1) || 'config'} ${issue.message}`),
    ];
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = merged;
  if (config.apiKeys.length === 0 && config.host !== undefined && !LOOPBACK.has(config.host)) {
    throw new ConfigError(
      `Listening on ${config.host} needs API keys (STRATA_API_KEYS); without them Strata serves 127.0.0.1 only`,
    );
  }
  return config;
}

/**
 * The address to listen on: the configured host, else 127.0.0.1. Configuring API keys never
 * widens it by itself: serving other machines is asked for with `--host` (or `HOST`).
 */
export function listenHost(config: StrataConfig): string {
  return config.host ?? '127.0.0.1';
}
