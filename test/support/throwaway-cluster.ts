import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { describeNeeding } from './describe-needing.js';

const run = promisify(execFile);

/** PostgreSQL's programs: `PG_BIN`, or Debian's place for PostgreSQL 15. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const available = existsSync(path.join(PG_BIN, 'initdb'));
/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
const asRoot = process.getuid?.() === 0;

/**
 * A PostgreSQL cluster of the test's own, on a free loopback port in a temporary directory:
 * for tests that make the database read-only, stop it or otherwise change it cluster-wide,
 * which they must never do to the shared one.
 */
export interface ThrowawayCluster {
  readonly port: number;
  /** A URL of database `database` (default `postgres`) as the superuser, trust auth. */
  url(database?: string): string;
  /** Runs `text` as the superuser on `database` (default `postgres`), on a new connection. */
  sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    database?: string,
  ): Promise<Row[]>;
  /** Stops the server at once and deletes its directory. */
  destroy(): Promise<void>;
}

async function pgProgram(program: string, args: readonly string[]): Promise<void> {
  const binary = path.join(PG_BIN, program);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', binary, ...args]);
  else await run(binary, [...args]);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  await new Promise((closed) => server.close(closed));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** initdb, then start a server without fsync (a throwaway needs no durability). */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-pg-'));
  if (asRoot) await run('chown', ['postgres', dir]);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  try {
    await pgProgram('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await pgProgram('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    async sql<Row extends pg.QueryResultRow>(text: string, database?: string) {
      const client = new pg.Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query<Row>(text)).rows;
      } finally {
        await client.end();
      }
    },
    async destroy() {
      await pgProgram('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `describe` for suites that start their own cluster; skipped with a warning when PostgreSQL's
 * programs are not installed (set PG_BIN), failed instead under CI=true.
 */
export function describeWithThrowawayCluster(name: string, suite: () => void): void {
  const problem = `PostgreSQL's programs are not in ${PG_BIN} (set PG_BIN)`;
  describeNeeding(
    { what: 'initdb and pg_ctl', problem: available ? undefined : problem },
    name,
    suite,
  );
}
