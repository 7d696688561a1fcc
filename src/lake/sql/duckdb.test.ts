import { describe, expect, it } from 'vitest';

import { DUCKDB_PACKAGE, LakeQueryUnavailableError, openDuckDb } from './duckdb.js';

describe('openDuckDb', () => {
  it('says which package to install when DuckDB is absent', async () => {
    const missing = () =>
      Promise.reject(new Error("Cannot find package '@duckdb/node-api' imported from x"));
    const error = await openDuckDb(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LakeQueryUnavailableError);
    expect((error as LakeQueryUnavailableError).code).toBe('LAKE_QUERY_UNAVAILABLE');
    expect((error as Error).message).toContain(`npm install ${DUCKDB_PACKAGE}`);
    expect((error as Error).message).toContain("Cannot find package '@duckdb/node-api'");
  });

  it('opens an in-memory database in UTC when it is installed', async () => {
    const duckDb = await openDuckDb();
    try {
      const reader = await duckDb.connection.runAndReadAll(
        `SELECT strftime(TIMESTAMPTZ '2026-11-23 04:30:00+02', '%H')`,
      );
      expect(reader.getRowsJS()).toEqual([['02']]);
    } finally {
      duckDb.close();
    }
  });
});
