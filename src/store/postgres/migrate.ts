import { readdir, readFile } from 'node:fs/promises';

import { appendFunctionsAreCurrent, installAppendFunctions } from './append-functions.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';

/** One numbered `.sql` file of `migrations/`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** What a `migrate` run did. */
export interface MigrationReport {
  /** Names of the migrations this run applied (empty when the schema was up to date). */
  readonly applied: readonly string[];
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_NAME = /^(\d+)_[\w-]+\.sql$/;

/** The migrations shipped with Strata, in order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => FILE_NAME.test(file));
  const migrations = await Promise.all(
    files.map(async (name) => ({
      version: Number(FILE_NAME.exec(name)?.[1]),
      name,
      sql: await readFile(new URL(name, MIGRATIONS_DIR), 'utf8'),
    })),
  );
  return migrations.sort((a, b) => a.version - b.version);
}

/**
 * Brings the driver's schema up to date, then (re)creates the append functions of this code.
 * Safe to run at every start-up and from several processes at once: each migration runs in its
 * own transaction under an advisory lock, and one already recorded is skipped. The migration
 * files are idempotent too.
 */
export async function migrate(driver: SqlDriver): Promise<MigrationReport> {
  const migrations = await loadMigrations();
  // Nothing to do is found by reading only, so a read-only database (a standby, a database set
  // read-only by its operator) with a current schema can still be opened.
  if (await isUpToDate(driver, migrations)) return { applied: [] };
  const lockKey = `strata.migrate.${driver.schema}`;
  const lock = (tx: SqlExecutor) =>
    tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
  // CREATE SCHEMA IF NOT EXISTS still races with itself, so even the bootstrap takes the lock.
  await driver.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS ${driver.schema};
      CREATE TABLE IF NOT EXISTS ${driver.schema}.schema_migrations (
        version    integer     PRIMARY KEY,
        name       text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await driver.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  await driver.transaction(async (tx) => {
    await lock(tx);
    await installAppendFunctions(tx);
  });
  return { applied };
}

/** True when every migration is recorded and the append functions are this code's. */
async function isUpToDate(driver: SqlDriver, migrations: readonly Migration[]): Promise<boolean> {
  const [table] = await driver.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [`${driver.schema}.schema_migrations`],
  );
  if (table?.found !== true) return false;
  const recorded = await driver.query<{ version: number }>('SELECT version FROM schema_migrations');
  const versions = new Set(recorded.map((row) => row.version));
  return (
    migrations.every((migration) => versions.has(migration.version)) &&
    (await appendFunctionsAreCurrent(driver))
  );
}
