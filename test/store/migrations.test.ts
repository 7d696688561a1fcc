import { afterAll, describe, expect, it } from 'vitest';

import { createPgDriver, loadMigrations, migrate, type SqlDriver } from '../../src/store/index.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';

async function appliedVersions(driver: SqlDriver): Promise<number[]> {
  const rows = await driver.query<{ version: number }>(
    'SELECT version FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => row.version);
}

function migrationsContract(openDriver: () => Promise<SqlDriver>): void {
  it('applies every migration once, and nothing on a second run', async () => {
    const driver = await openDriver();
    const all = await loadMigrations();
    expect(all.map((migration) => migration.version)).toEqual(
      [...new Set(all.map((migration) => migration.version))].sort((a, b) => a - b),
    );
    const first = await migrate(driver);
    expect(first.applied).toEqual(all.map((migration) => migration.name));
    const second = await migrate(driver);
    expect(second.applied).toEqual([]);
    expect(await appliedVersions(driver)).toEqual(all.map((migration) => migration.version));
  });

  it('has migration files that are themselves idempotent', async () => {
    const driver = await openDriver();
    await migrate(driver);
    for (const migration of await loadMigrations()) await driver.exec(migration.sql);
    const [row] = await driver.query<{ count: number }>('SELECT count(*) AS count FROM events');
    expect(row?.count).toBe(0);
  });
}

describe('migrations on PGlite', () => {
  const drivers: SqlDriver[] = [];
  afterAll(() => Promise.all(drivers.map((driver) => driver.close())));
  migrationsContract(async () => {
    const driver = await memoryPgliteDriver({ schema: uniqueSchemaName() });
    drivers.push(driver);
    return driver;
  });
});

describePostgres('migrations on PostgreSQL', () => {
  const opened: { driver: SqlDriver; schema: string }[] = [];
  const open = (schema = uniqueSchemaName()) => {
    const driver = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
    opened.push({ driver, schema });
    return driver;
  };
  afterAll(async () => {
    await Promise.all(opened.map(({ driver }) => driver.close()));
    await Promise.all([...new Set(opened.map(({ schema }) => schema))].map(dropSchema));
  });

  migrationsContract(() => Promise.resolve(open()));

  it('lets several processes migrate one fresh schema at once', async () => {
    const schema = uniqueSchemaName();
    const drivers = Array.from({ length: 4 }, () => open(schema));
    const reports = await Promise.all(drivers.map((driver) => migrate(driver)));
    const applied = reports.flatMap((report) => report.applied);
    expect(applied.sort()).toEqual(
      (await loadMigrations()).map((migration) => migration.name).sort(),
    );
    expect(await appliedVersions(drivers[0]!)).toHaveLength((await loadMigrations()).length);
  });
});
