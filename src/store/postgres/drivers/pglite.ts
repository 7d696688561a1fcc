import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { PGlite, type Transaction } from '@electric-sql/pglite';

import { acquireDirectoryLock } from './directory-lock.js';
import { createLocalLeases, inProcessLease } from './leases.js';
import { assertSchemaName, type SqlDriver, type SqlExecutor } from './types.js';

/** What `createPgliteDriver` takes: where the data lives, and the schema. */
export interface PgliteDriverOptions {
  /**
   * Directory for the data; omitted, the database lives in memory and vanishes on close.
   * The directory belongs to one process at a time (see `DataDirectoryLockedError`).
   */
  readonly dataDir?: string;
  /** Schema of Strata's tables; default `strata`. */
  readonly schema?: string;
  /**
   * A data directory saved with PGlite's `dumpDataDir()` to start a new database from, instead
   * of initialising one (`initdb` is most of PGlite's start-up: the tests start every in-memory
   * database from one saved empty one). For a new database only.
   */
  readonly loadDataDir?: Blob;
}

/**
 * A driver over embedded PGlite: real PostgreSQL compiled to WebAssembly, in this process.
 * It has one connection, so transactions run one at a time.
 */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<SqlDriver> {
  const { dataDir, schema = 'strata', loadDataDir } = options;
  assertSchemaName(schema);
  const lock = dataDir === undefined ? undefined : await acquireDirectoryLock(dataDir);
  let db: PGlite;
  try {
    const pgData = dataDir === undefined ? 'memory://' : path.join(dataDir, 'pgdata');
    if (dataDir !== undefined) await mkdir(pgData, { recursive: true });
    db = await PGlite.create(pgData, loadDataDir === undefined ? {} : { loadDataDir });
    await db.exec(`SET search_path TO ${schema}`);
  } catch (error) {
    await lock?.release();
    throw error;
  }

  const leases = createLocalLeases();
  return {
    kind: 'pglite',
    schema,
    ...executorOf(db),
    transaction: (work) => db.transaction((tx) => work(executorOf(tx))),
    async listen(channel, onNotification) {
      const unlisten = await db.listen(channel, onNotification);
      return () => unlisten();
    },
    tryLease: (key) => Promise.resolve(inProcessLease(key, leases)),
    // One process opens a PGlite directory: a lease is this process's or no one's.
    leaseHolder: (key) => Promise.resolve(leases.holds(key) ? { thisProcess: true } : undefined),
    async close() {
      try {
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

function executorOf(queryable: PGlite | Transaction): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await queryable.query<Row>(text, [...params]);
      return result.rows;
    },
    async exec(script) {
      await queryable.exec(script);
    },
  };
}
