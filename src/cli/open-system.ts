import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { AppDefinition } from '../app/define-app.js';
import { ConfigError, type StrataConfig } from '../app/config.js';
import { createSystem, type StrataSystem, type SystemOptions } from '../app/system.js';
import { StrataError } from '../errors.js';
import { openLakeSink } from '../lake/index.js';
import { cloudflarePurger, httpPurger, smtpMailer } from '../reactors/index.js';
import { createPgDriver, createPgliteDriver, type SqlDriver } from '../store/index.js';

/** The database cannot be reached; the message says where and why, without the password. */
export class DatabaseUnreachableError extends StrataError {
  readonly code = 'DATABASE_UNREACHABLE';
}

/** `postgres://user:secret@host/db` without the secret, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * The app module `config.app`, exporting `app` (or a default export) made with `defineApp`.
 * There is no built-in app: `npm start` passes the devpie example as a default.
 */
export async function loadApp(config: StrataConfig): Promise<AppDefinition> {
  if (config.app === undefined) {
    throw new ConfigError(
      'No app configured: pass --app <module> or set STRATA_APP (a module exporting `app`)',
    );
  }
  const file = path.resolve(config.app);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`Cannot load the app module ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const app = module.app ?? module.default;
  if (typeof app !== 'object' || app === null || !('commandHandlers' in app)) {
    throw new ConfigError(`${file} must export an app made with defineApp, as "app"`);
  }
  return app as AppDefinition;
}

/** The driver the configuration asks for: PostgreSQL with a URL, PGlite in the data dir otherwise. */
export async function openDriver(config: StrataConfig): Promise<SqlDriver> {
  if (config.databaseUrl === undefined) {
    return createPgliteDriver({ dataDir: config.dataDir, schema: config.schema });
  }
  const driver = createPgDriver({
    connectionString: config.databaseUrl,
    schema: config.schema,
    ...(config.idleInTransactionTimeoutMs === undefined
      ? {}
      : { idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs }),
  });
  try {
    await driver.query('SELECT 1');
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw new DatabaseUnreachableError(
      `Cannot reach PostgreSQL at ${redactUrl(config.databaseUrl)}: ${(error as Error).message}`,
    );
  }
  return driver;
}

/** Who hears what the system goes through (see `SystemOptions`). */
export type SystemObservers = Pick<SystemOptions, 'onError' | 'onSubscriberActivity'>;

/** The configured app on the configured database, migrated, not started. */
export async function openSystem(
  config: StrataConfig,
  observers: SystemObservers = {},
): Promise<StrataSystem> {
  const app = await loadApp(config);
  return systemOn(config, app, await openDriver(config), observers);
}

/** `app` on `driver` with the configured command retries, not started; closes `driver` if it fails. */
export async function systemOn(
  config: StrataConfig,
  app: AppDefinition,
  driver: SqlDriver,
  observers: SystemObservers = {},
): Promise<StrataSystem> {
  try {
    return await createSystem({
      app,
      driver,
      ...observers,
      ...(config.commandRetryDeadlineMs === undefined
        ? {}
        : { commandRetry: { deadlineMs: config.commandRetryDeadlineMs } }),
      ...(config.nats === undefined ? {} : { bus: busOptions(config.nats) }),
      ...(config.lake === undefined ? {} : { lake: lakeOptions(config.lake) }),
      ...(config.email === undefined ? {} : { mailer: smtpMailer(config.email) }),
      ...cdnOption(config.cdn),
      ...(config.webhooks === undefined ? {} : { webhooks: config.webhooks }),
    });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

/** The forwarder's settings from the configuration's `nats` section. */
function busOptions(nats: NonNullable<StrataConfig['nats']>) {
  return {
    servers: nats.servers,
    ...(nats.prefix === undefined ? {} : { prefix: nats.prefix }),
    ...(nats.stream === undefined ? {} : { stream: nats.stream }),
    ...(nats.window === undefined ? {} : { window: nats.window }),
  };
}

/** The purger the `cdn` section names: Cloudflare, or a generic endpoint; none without one. */
function cdnOption(cdn: StrataConfig['cdn']) {
  if (cdn?.cloudflare !== undefined) {
    return {
      cdn: cloudflarePurger({
        ...cdn.cloudflare,
        ...(cdn.timeoutMs === undefined ? {} : { timeoutMs: cdn.timeoutMs }),
      }),
    };
  }
  if (cdn?.url === undefined) return {};
  return {
    cdn: httpPurger({
      url: cdn.url,
      ...(cdn.method === undefined ? {} : { method: cdn.method }),
      ...(cdn.timeoutMs === undefined ? {} : { timeoutMs: cdn.timeoutMs }),
    }),
  };
}

/** The archiver's settings from the configuration's `lake` section. */
function lakeOptions(lake: NonNullable<StrataConfig['lake']>) {
  return {
    sink: openLakeSink(lake.location, lake.s3),
    ...(lake.layout === undefined ? {} : { layout: lake.layout }),
    ...(lake.maxEvents === undefined ? {} : { maxEvents: lake.maxEvents }),
    ...(lake.maxBytes === undefined ? {} : { maxBytes: lake.maxBytes }),
    ...(lake.lingerMs === undefined ? {} : { lingerMs: lake.lingerMs }),
  };
}

/** How durable a commit is on this database, said plainly at start-up. */
export async function durabilityOf(config: StrataConfig, driver: SqlDriver): Promise<string> {
  if (driver.kind === 'pglite') {
    return (
      `PGlite in ${path.resolve(config.dataDir)}: commits survive a killed process, but PGlite ` +
      'does not fsync, so a power cut or OS crash can lose the last ones'
    );
  }
  const [settings] = await driver.query<{ fsync: string; synchronous_commit: string }>(
    `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`,
  );
  return (
    `PostgreSQL at ${redactUrl(config.databaseUrl ?? '')} (schema ${config.schema}): ` +
    `fsync=${settings?.fsync ?? '?'}, synchronous_commit=${settings?.synchronous_commit ?? '?'}`
  );
}
