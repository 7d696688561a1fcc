import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import {
  ARCHIVER_SUBSCRIBER,
  compactLake,
  directorySink,
  queryLake,
  replayLake,
  toLakeLine,
  type LakeSink,
} from '../../src/lake/index.js';
import {
  createPgDriver,
  createPostgresEventStore,
  encodeCursor,
  type EventStore,
  type SqlDriver,
} from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { runDevpieSession } from '../support/devpie-inject-session.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { happened, testRegistry } from '../support/test-messages.js';

const GENERATED = 100_000;

/** Per type and UTC hour, the events a store's log holds, in the lake query's shape. */
async function logCounts(driver: Pick<SqlDriver, 'query'>) {
  const rows = await driver.query<{ type: string; hour: string; events: string }>(
    `SELECT type, to_char(date_trunc('hour', recorded_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24') AS hour,
            count(*) AS events
       FROM events GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows.map(({ type, hour, events }) => [type, hour, Number(events)]);
}

/**
 * A store's log in read order, each event as a replay keeps it (all but its position and
 * cursor): its count and a SHA-256 over them — 100,000 events compared without holding two
 * arrays of them.
 */
async function logDigest(store: EventStore) {
  const hash = createHash('sha256');
  let events = 0;
  for await (const event of store.readAll()) {
    hash.update(`${toLakeLine({ ...event, globalPosition: 0, cursor: encodeCursor(0, 0) })}\n`);
    events++;
  }
  return { events, sha256: hash.digest('hex') };
}

const LAKE_COUNTS = `SELECT type, strftime(date_trunc('hour', recorded_at), '%Y-%m-%dT%H') AS hour,
  count(*) AS events FROM events GROUP BY ALL ORDER BY ALL`;

const freshDriver = () =>
  createPgDriver({ connectionString: TEST_DATABASE_URL, schema: uniqueSchemaName() });

// On PostgreSQL, where a log of this size lives (PGlite replays it at a third of the speed: the
// lake's contract runs on both).
describePostgres(
  'the lake round trip: the devpie session plus 100k events, queried, compacted, replayed',
  () => {
    let dir: string;
    let system: StrataSystem;
    let sink: LakeSink;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'strata-lake-round-trip-'));
      sink = directorySink(path.join(dir, 'lake'));
      system = await createSystem({
        app: devpie,
        driver: freshDriver(),
        lake: { sink, lingerMs: 50 },
      });
      await system.start();
      const gateway = await buildGateway({ system, consistencyTimeoutMs: 2_000 });
      await runDevpieSession(gateway);
      await gateway.close();
      // 100k generated events besides, over a hundred streams, in appends of 500.
      const generator = await createPostgresEventStore({
        driver: system.store.driver,
        registry: testRegistry,
      });
      for (let n = 0; n < GENERATED; n += 500) {
        const batch = Array.from({ length: 500 }, (_, index) => happened(n + index));
        await generator.appendToStream(`load-${(n / 500) % 100}`, batch);
      }
      // The last event by position (`readAll` may not reach it yet: other tests' transactions
      // on the shared server hold readers back); the archiver waits for it to be readable.
      const [head] = await system.store.driver.query<{ position: string }>(
        'SELECT max(global_position) AS position FROM events',
      );
      const last = await system.store.cursorAt(Number(head!.position));
      expect(await system.engine.waitUntilCaughtUp(ARCHIVER_SUBSCRIBER, last!, 60_000)).toBe(true);
    }, 180_000);
    afterAll(async () => {
      await system.stop();
      await dropSchema(system.store.driver.schema);
      await rm(dir, { recursive: true, force: true });
    });

    it('answers counts by type and hour as the log does, from JSON lines and then from Parquet', async () => {
      const cacheDir = path.join(dir, 'cache');
      const expected = await logCounts(system.store.driver);
      expect(expected).toContainEqual(['estimation.TaskEstimated', expect.any(String), 1]);
      expect(expected.reduce((sum, [, , events]) => sum + Number(events), 0)).toBeGreaterThan(
        GENERATED,
      );
      const raw = await queryLake(sink, LAKE_COUNTS, { cacheDir });
      expect(raw.rows).toEqual(expected);
      expect(raw.read.parquet).toBe(0);

      const compacted = await compactLake(sink, { by: 'hour', cacheDir });
      expect(compacted.written.reduce((sum, file) => sum + file.events, 0)).toBe(
        expected.reduce((sum, [, , events]) => sum + Number(events), 0),
      );
      const fromParquet = await queryLake(sink, LAKE_COUNTS, { cacheDir });
      expect(fromParquet.rows).toEqual(expected);
      expect(fromParquet.read).toEqual({ parquet: compacted.written.length, jsonl: 0 });
    }, 120_000);

    it('replays into a fresh store whose log is the original one, event for event', async () => {
      const target = await createPostgresEventStore({ driver: freshDriver() });
      try {
        const report = await replayLake(sink, target.driver);
        const original = await logDigest(system.store);
        expect(report.events).toBe(original.events);
        expect(await logCounts(target.driver)).toEqual(await logCounts(system.store.driver));
        // Every event as it was but for its position (the new store's own), in the same order —
        // once `readAll` reaches the end (it stops below transactions open elsewhere).
        const copy = await readUntil(
          () => logDigest(target),
          (digest) => digest.events >= original.events,
        );
        expect(copy).toEqual(original);
      } finally {
        await target.close();
        await dropSchema(target.driver.schema);
      }
    }, 120_000);
  },
);
