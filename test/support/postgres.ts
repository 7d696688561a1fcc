import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { describe, it } from 'vitest';

/** The PostgreSQL the suites use: `DATABASE_URL`, or the machine's local server. */
export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const inCi = process.env.CI === 'true';

/** True when `TEST_DATABASE_URL` accepts a connection within a few seconds. */
export async function isPostgresReachable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reachable = await isPostgresReachable();

/**
 * `describe` for suites that need PostgreSQL. When it is unreachable the suite is not silently
 * green: under `CI=true` it fails; elsewhere it is skipped with a warning naming the URL.
 */
export function describePostgres(name: string, suite: () => void): void {
  if (reachable) {
    describe(name, suite);
    return;
  }
  const problem = `PostgreSQL is unreachable at ${TEST_DATABASE_URL} (set DATABASE_URL)`;
  if (inCi) {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`${problem}; CI=true, so this suite fails instead of skipping`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${problem} ***\n`);
  describe.skip(name, suite);
}

/** A schema name no other run uses, so suites can run side by side and clean up after. */
export function uniqueSchemaName(prefix = 'strata_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
