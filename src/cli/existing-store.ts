import { existsSync } from 'node:fs';
import path from 'node:path';

import type { StrataConfig } from '../app/config.js';
import { StrataError } from '../errors.js';
import type { MessageRegistry } from '../messages/index.js';
import {
  createPostgresEventStore,
  loadMigrations,
  type PostgresEventStore,
  type SqlDriver,
} from '../store/index.js';
import { openDriver, redactUrl } from './open-system.js';

/** The configured place holds no Strata store: a typo in the path, URL or schema, most often. */
export class NoStoreError extends StrataError {
  readonly code = 'NO_STORE';
}

/** The store exists but predates this code's schema: `strata migrate` brings it up to date. */
export class StoreNotMigratedError extends StrataError {
  readonly code = 'STORE_NOT_MIGRATED';
}

/** The configured store, as messages name it: the data directory, or the URL and schema. */
export function storePlace(config: StrataConfig): string {
  return config.databaseUrl === undefined
    ? path.resolve(config.dataDir)
    : `${redactUrl(config.databaseUrl)} (schema ${config.schema})`;
}

/** Versions of Strata's migrations recorded in the driver's schema; `undefined` without one. */
async function recordedMigrations(driver: SqlDriver): Promise<Set<number> | undefined> {
  const [table] = await driver.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [`${driver.schema}.schema_migrations`],
  );
  if (table?.found !== true) return undefined;
  const rows = await driver.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => row.version));
}

/**
 * A driver on the configured store, only if it exists and is migrated: reading commands use it
 * so that a mistyped place is reported, never created (no data directory, schema or table).
 */
export async function openExistingDriver(config: StrataConfig): Promise<SqlDriver> {
  const noStore = () =>
    new NoStoreError(
      `no Strata store at ${storePlace(config)} (check the data directory, URL or schema; ` +
        '`strata migrate` or `strata serve` creates one)',
    );
  // Opening PGlite creates its directory: look before opening.
  if (
    config.databaseUrl === undefined &&
    !existsSync(path.join(config.dataDir, 'pgdata', 'PG_VERSION'))
  ) {
    throw noStore();
  }
  const driver = await openDriver(config);
  try {
    const recorded = await recordedMigrations(driver);
    if (recorded === undefined) throw noStore();
    const missing = (await loadMigrations()).filter(
      (migration) => !recorded.has(migration.version),
    );
    if (missing.length > 0) {
      throw new StoreNotMigratedError(
        `The Strata store at ${storePlace(config)} lacks ${missing.map((m) => m.name).join(', ')}: ` +
          'run `strata migrate` first',
      );
    }
    return driver;
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

/** The event store on the configured store, which must exist; never migrates. */
export async function openExistingStore(
  config: StrataConfig,
  registry?: MessageRegistry,
): Promise<PostgresEventStore> {
  const driver = await openExistingDriver(config);
  try {
    return await createPostgresEventStore({
      driver,
      migrate: false,
      ...(registry === undefined ? {} : { registry }),
    });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}
