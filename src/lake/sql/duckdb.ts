import type { DuckDBConnection } from '@duckdb/node-api';

import { StrataError } from '../../errors.js';

/** The pinned version of the optional DuckDB package, for the message when it is missing. */
export const DUCKDB_PACKAGE = '@duckdb/node-api@1.5.5-r.5';

/** `strata lake query`/`compact` without DuckDB installed (an optional dependency). */
export class LakeQueryUnavailableError extends StrataError {
  readonly code = 'LAKE_QUERY_UNAVAILABLE';
}

/** An in-memory DuckDB: its connection, and how to let go of it. */
export interface DuckDb {
  readonly connection: DuckDBConnection;
  close(): void;
}

type DuckDbApi = typeof import('@duckdb/node-api');

/**
 * A fresh in-memory DuckDB in UTC (hours in the archive are UTC hours). DuckDB is optional:
 * when the package or its binary for this platform is absent, says what to install.
 */
export async function openDuckDb(
  load: () => Promise<DuckDbApi> = () => import('@duckdb/node-api'),
): Promise<DuckDb> {
  let api: DuckDbApi;
  try {
    api = await load();
  } catch (error) {
    throw new LakeQueryUnavailableError(
      `strata lake query and compact need DuckDB, an optional dependency not installed here ` +
        `(${(error as Error).message.split('\n')[0]}): npm install ${DUCKDB_PACKAGE}`,
      { cause: error },
    );
  }
  const instance = await api.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** `text` as an SQL string literal. */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
