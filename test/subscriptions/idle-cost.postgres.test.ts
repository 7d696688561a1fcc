import { afterAll, beforeAll, expect, it } from 'vitest';

import { createProjectionRuntime, defineProjection } from '../../src/projections/index.js';
import {
  createPgDriver,
  createPostgresEventStore,
  type Cursor,
  type PostgresEventStore,
  type SqlDriver,
} from '../../src/store/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { testRegistry, ThingRenamed } from '../support/test-messages.js';
import {
  describeWithThrowawayCluster,
  startThrowawayCluster,
  type ThrowawayCluster,
} from '../support/throwaway-cluster.js';

/**
 * Events in the log. 1M takes 10-15 s to insert on a busy test machine; 200k shows the same
 * thing (a cost that grew with the log would read it several times a second) in a few
 * seconds. `STRATA_IDLE_TEST_EVENTS=1000000` runs it at the size the issue names.
 */
const LOG_SIZE = Number(process.env.STRATA_IDLE_TEST_EVENTS ?? 200_000);
/** Rows of `events` an idle system may read per second, whatever the log's length. */
const MAX_ROWS_PER_SECOND = 10_000;

/** A projection whose events are rare: a few at the start of the log, none after. */
const renames = defineProjection({
  name: 'idle.renames',
  version: 1,
  events: [ThingRenamed],
  handlers: {
    'test.ThingRenamed': (event, views) =>
      views.collection('names').upsert(event.streamId, { name: event.data.name }),
  },
});

// On a cluster of its own: inserting the log takes seconds in one transaction, which would hold
// the visibility horizon, and so every reader of the shared cluster, back meanwhile.
describeWithThrowawayCluster('idle cost on PostgreSQL', () => {
  let cluster: ThrowawayCluster;
  let db: { driver: SqlDriver; store: PostgresEventStore };

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const driver = createPgDriver({ connectionString: cluster.url() });
    db = { driver, store: await createPostgresEventStore({ driver, registry: testRegistry }) };
  }, 30_000);

  afterAll(async () => {
    await db.store.close();
    await cluster.destroy();
  });

  /** A whole read side on a driver of its own: engine, projections, a status poll. */
  async function startSystem() {
    const driver = createPgDriver({ connectionString: cluster.url() });
    const store = await createPostgresEventStore({
      driver,
      registry: testRegistry,
      migrate: false,
    });
    const engine = createSubscriptionEngine({ store });
    const projections = createProjectionRuntime({ store, engine, projections: [renames] });
    await projections.start();
    engine.start();
    const polling = new AbortController();
    const statusPoll = (async () => {
      while (!polling.signal.aborted) {
        await engine.status();
        await new Promise((settle) => setTimeout(settle, 100));
      }
    })();
    return {
      projections,
      async stop() {
        polling.abort();
        await statusPoll;
        await projections.stop();
        await engine.stop();
        // Closing ends the server sessions, which hands their statistics in.
        await store.close();
      },
    };
  }

  /** Rows of this schema's events table read so far, by scans and index fetches. */
  async function rowsRead(): Promise<number> {
    const [row] = await db.driver.query<{ rows: number }>(
      `SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::float8 AS rows
         FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'events'`,
      [db.driver.schema],
    );
    return row?.rows ?? 0;
  }

  it(
    'reads a bounded number of rows per second when idle, however long the log',
    { timeout: 60_000 },
    async () => {
      const { store, driver } = db;
      for (let n = 0; n < 3; n++) {
        await store.appendToStream(`named-${n}`, [
          { type: ThingRenamed.name, data: { name: `${n}` } },
        ]);
      }
      await driver.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
         SELECT gen_random_uuid(), 'filler-' || lpad((i / 1000)::text, 4, '0'), i % 1000 + 1,
                'test.ThingHappened', 1, jsonb_build_object('n', i), '{}'::jsonb
           FROM generate_series(0, $1::int - 1) AS i`,
        [LOG_SIZE],
      );
      await driver.exec('ANALYZE events');
      const [last] = await driver.query<{ cursor: Cursor }>(
        `SELECT lpad(transaction_id::text, 20, '0') || '-' || lpad(global_position::text, 20, '0') AS cursor
           FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      );

      // Build the projection once, then stop: what follows is a restarted, idle system.
      const building = await startSystem();
      expect(await building.projections.waitUntilCaughtUp(renames.name, last!.cursor, 30_000)).toBe(
        true,
      );
      await building.stop();

      const idle = await startSystem();
      try {
        await new Promise((settle) => setTimeout(settle, 1_500));
        const before = await rowsRead();
        const startedAt = Date.now();
        await new Promise((settle) => setTimeout(settle, 3_000));
        const perSecond = ((await rowsRead()) - before) / ((Date.now() - startedAt) / 1000);
        console.info(
          `idle with ${LOG_SIZE} events in the log: ${Math.round(perSecond)} rows/s read`,
        );
        expect(perSecond).toBeLessThan(MAX_ROWS_PER_SECOND);
      } finally {
        await idle.stop();
      }
    },
  );
});
