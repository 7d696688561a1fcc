import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';

import type { MessageRegistry } from '../../src/messages/index.js';
import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
  type PostgresEventStore,
  type SqlDriver,
} from '../../src/store/index.js';

/** The database a benchmark measures, with a plain connection for the raw baseline. */
export interface BenchTarget {
  readonly name: string;
  readonly description: string;
  readonly store: PostgresEventStore;
  /** Runs SQL outside Strata, for the raw baseline: a plain `pg` pool, or PGlite itself. */
  readonly raw: Pick<SqlDriver, 'query' | 'exec'>;
  close(): Promise<void>;
}

export const BENCH_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** PostgreSQL: a fresh schema, dropped at the end. */
export async function postgresTarget(
  maxConnections: number,
  registry?: MessageRegistry,
): Promise<BenchTarget> {
  const schema = `strata_bench_${process.pid}`;
  const driver = createPgDriver({ connectionString: BENCH_DATABASE_URL, schema, maxConnections });
  const store = await createPostgresEventStore({ driver, registry });
  const pool = new pg.Pool({
    connectionString: BENCH_DATABASE_URL,
    max: maxConnections,
    options: `-c search_path=${schema}`,
  });
  const [settings] = (
    await pool.query<{ version: string; fsync: string; synchronous_commit: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              current_setting('synchronous_commit') AS synchronous_commit`,
    )
  ).rows;
  return {
    name: 'PostgreSQL',
    description: `PostgreSQL ${settings?.version} (fsync=${settings?.fsync}, synchronous_commit=${settings?.synchronous_commit})`,
    store,
    raw: {
      async query<Row>(text: string, params: readonly unknown[] = [], name?: string) {
        return (await pool.query<pg.QueryResultRow>({ text, values: [...params], name }))
          .rows as Row[];
      },
      async exec(script: string) {
        await pool.query(script);
      },
    },
    async close() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      await store.close();
    },
  };
}

/** PGlite in a temporary data directory, as `npm start` runs it. */
export async function pgliteTarget(registry?: MessageRegistry): Promise<BenchTarget> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-bench-'));
  const driver = await createPgliteDriver({ dataDir });
  const store = await createPostgresEventStore({ driver, registry });
  return {
    name: 'PGlite',
    description: 'PGlite (PostgreSQL in WebAssembly, data directory on local disk, one connection)',
    store,
    raw: driver,
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
