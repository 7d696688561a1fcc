import { createPgliteDriver, type SqlDriver } from '../store/index.js';

/**
 * One in-memory PGlite shared by a spec's cases, so that each case does not pay for starting
 * PostgreSQL: a case gets it empty (Strata's schema dropped and created again) and has it to
 * itself until its work settles.
 */
export interface SpecDatabase {
  /** Runs `work` on the emptied database; cases take turns. */
  withFreshDriver<T>(work: (driver: SqlDriver) => Promise<T>): Promise<T>;
  /** Closes the PGlite, once every case is done. */
  close(): Promise<void>;
}

/** A database for specs, started on first use. */
export function createSpecDatabase(): SpecDatabase {
  let shared: Promise<SqlDriver> | undefined;
  let turn: Promise<unknown> = Promise.resolve();

  async function freshDriver(): Promise<SqlDriver> {
    shared ??= createPgliteDriver();
    const driver = await shared;
    await driver.exec(
      `DROP SCHEMA IF EXISTS ${driver.schema} CASCADE; CREATE SCHEMA ${driver.schema}`,
    );
    // The case's store closes its driver when it is done; the PGlite outlives the case.
    return { ...driver, close: () => Promise.resolve() };
  }

  return {
    withFreshDriver(work) {
      const result = turn.then(async () => work(await freshDriver()));
      turn = result.catch(() => undefined);
      return result;
    },
    async close() {
      await turn;
      if (shared !== undefined) await (await shared).close();
      shared = undefined;
    },
  };
}
