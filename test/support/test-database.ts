import { afterAll, beforeAll } from 'vitest';

import type { MessageRegistry } from '../../src/messages/index.js';
import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
  type Cursor,
  type PostgresEventStore,
  type SqlDriver,
} from '../../src/store/index.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './postgres.js';
import { testRegistry } from './test-messages.js';

export type DriverKind = 'pglite' | 'pg';

/** One database for a test file: a fresh PGlite in memory, or a fresh schema in PostgreSQL. */
export interface TestDatabase {
  readonly kind: DriverKind;
  readonly driver: SqlDriver;
  /** The store on this database (with the test registry). */
  readonly store: PostgresEventStore;
  /** Another store object on the same database, e.g. with another registry or none. */
  openStore(options?: { registry?: MessageRegistry }): Promise<PostgresEventStore>;
  /** Another driver on the same schema: a second process's view (PostgreSQL only). */
  openSecondDriver(): SqlDriver;
  /** Rows in the events table. */
  countEvents(): Promise<number>;
}

/**
 * Registers hooks that open the database before the file's tests and remove it after; the
 * returned getter is valid inside tests and hooks.
 */
export function useTestDatabase(kind: DriverKind): () => TestDatabase {
  let database: TestDatabase | undefined;
  const schema = uniqueSchemaName();
  const extraDrivers: SqlDriver[] = [];

  beforeAll(async () => {
    const driver =
      kind === 'pg'
        ? createPgDriver({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 24 })
        : await createPgliteDriver({ schema });
    const store = await createPostgresEventStore({ driver, registry: testRegistry });
    database = {
      kind,
      driver,
      store,
      // Stores share the driver; only the main store closes it.
      openStore: (options = {}) =>
        createPostgresEventStore({ driver, registry: options.registry, migrate: false }),
      openSecondDriver() {
        if (kind !== 'pg') throw new Error('PGlite has one process and one connection');
        const second = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
        extraDrivers.push(second);
        return second;
      },
      async countEvents() {
        const [row] = await driver.query<{ count: number }>('SELECT count(*) AS count FROM events');
        return row?.count ?? 0;
      },
    };
  });

  afterAll(async () => {
    await Promise.all(extraDrivers.map((driver) => driver.close()));
    await database?.store.close();
    if (kind === 'pg') await dropSchema(schema);
  });

  return () => {
    if (database === undefined) throw new Error('the test database is opened in beforeAll');
    return database;
  };
}

/** The cursor of the log's last readable event, so a test reads only what it appends after. */
export async function endOfLog(db: TestDatabase): Promise<Cursor | undefined> {
  let last: Cursor | undefined;
  for await (const event of db.store.readAll({ batchSize: 5000 })) last = event.cursor;
  return last;
}
