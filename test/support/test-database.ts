import { afterAll, beforeAll } from 'vitest';

import type { MessageRegistry } from '../../src/messages/index.js';
import {
  createPgDriver,
  createPostgresEventStore,
  encodeCursor,
  type Cursor,
  type PostgresEventStore,
  type SqlDriver,
} from '../../src/store/index.js';
import { readUntil } from './async.js';
import { memoryPgliteDriver } from './memory-pglite.js';
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
/** The getter `useTestDatabase` returns; `kind` is known when tests are declared. */
export type TestDatabaseGetter = (() => TestDatabase) & { readonly kind: DriverKind };

export function useTestDatabase(kind: DriverKind): TestDatabaseGetter {
  let database: TestDatabase | undefined;
  const schema = uniqueSchemaName();
  const extraDrivers: SqlDriver[] = [];

  beforeAll(async () => {
    const driver =
      kind === 'pg'
        ? createPgDriver({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 24 })
        : await memoryPgliteDriver({ schema });
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

  const get = () => {
    if (database === undefined) throw new Error('the test database is opened in beforeAll');
    return database;
  };
  return Object.assign(get, { kind });
}

/** The cursor of the log's last readable event, so a test reads only what it appends after. */
export async function endOfLog(db: TestDatabase): Promise<Cursor | undefined> {
  let last: Cursor | undefined;
  for await (const event of db.store.readAll({ batchSize: 5000 })) last = event.cursor;
  return last;
}

/**
 * Stores an event as it is, bypassing validation (an older or foreign writer did it), as the
 * next version of `streamId`; returns its cursor.
 */
export async function insertRaw(
  db: TestDatabase,
  streamId: string,
  type: string,
  schemaVersion: number,
  data: unknown,
): Promise<Cursor> {
  const [row] = await db.driver.query<{ transaction_id: number; global_position: number }>(
    `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
     SELECT $1, $2, coalesce(max(stream_version), 0) + 1, $3, $4, $5, '{}'
       FROM events WHERE stream_id = $2
     RETURNING transaction_id, global_position`,
    [crypto.randomUUID(), streamId, type, schemaVersion, JSON.stringify(data)],
  );
  return encodeCursor(row!.transaction_id, row!.global_position);
}

/**
 * Waits until every event in this test database is readable: no transaction still open in the
 * cluster (another test file's, perhaps) began before the last of them committed. Readers never
 * pass an open transaction, so a read right after an append may otherwise miss it for a while
 * when other suites run beside this one. Call it between appends and reads that expect them.
 */
export async function untilReadable(db: TestDatabase): Promise<void> {
  await readUntil(
    () =>
      db.driver.query<{ readable: boolean }>(
        `SELECT coalesce(max(transaction_id), 0) < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                AS readable
           FROM events`,
      ),
    ([row]) => row?.readable === true,
  );
}
