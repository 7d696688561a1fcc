import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll } from 'vitest';

import { describeNeeding } from './describe-needing.js';

/** The PostgreSQL the suites use: `DATABASE_URL`, or the machine's local server. */
export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
  const problem = `PostgreSQL is unreachable at ${TEST_DATABASE_URL} (set DATABASE_URL)`;
  describeNeeding({ what: 'PostgreSQL', problem: reachable ? undefined : problem }, name, suite);
}

/** A schema name no other run uses, so suites can run side by side and clean up after. */
export function uniqueSchemaName(prefix = 'strata_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A maker of fresh schema names for a suite; every schema it named is dropped after the suite. */
export function useFreshSchemas(): () => string {
  const schemas: string[] = [];
  afterAll(() => Promise.all(schemas.map((schema) => dropSchema(schema))));
  return () => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    return schema;
  };
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

/** A database of the test server's own, as `createFreshDatabase` made it. */
export interface FreshDatabase {
  readonly name: string;
  /** `TEST_DATABASE_URL` with this database in place of its own. */
  readonly url: string;
}

/**
 * Creates a database no other run uses, for suites whose schema names are fixed (an app run
 * as services, each in the schema named after it): nothing else on the server can collide.
 */
export async function createFreshDatabase(prefix = 'strata_test'): Promise<FreshDatabase> {
  const name = uniqueSchemaName(prefix);
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops database `name`, ending the sessions still on it. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A session of the shared server, as `pg_stat_activity` shows it. */
export interface ServerSession {
  readonly pid: number;
  readonly applicationName: string;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Strata's sessions on `schema`: those whose application_name is `strata…/<schema>` (the pool,
 * the lease and the LISTEN connections), from any process.
 */
export function strataSessionsOf(schema: string): Promise<ServerSession[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<ServerSession>(
      `SELECT pid, application_name AS "applicationName" FROM pg_stat_activity
        WHERE application_name LIKE 'strata%' AND application_name LIKE '%/' || $1
        ORDER BY pid`,
      [schema],
    );
    return rows;
  });
}

/** Strata's sessions of `schema` with the client's TCP port of each (-1 over a Unix socket). */
export function serverSessions(
  schema: string,
): Promise<(ServerSession & { clientPort: number })[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<ServerSession & { clientPort: number }>(
      `SELECT pid, application_name AS "applicationName", client_port AS "clientPort"
         FROM pg_stat_activity
        WHERE application_name LIKE 'strata%' AND application_name LIKE '%/' || $1
        ORDER BY pid`,
      [schema],
    );
    return rows;
  });
}

/** Ends the server sessions named `applicationName`, as a DBA or a failing network would. */
export function terminateSessions(applicationName: string): Promise<void> {
  return withAdminClient(async (client) => {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
  });
}
