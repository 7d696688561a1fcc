import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
  type PostgresEventStore,
  type SqlDriver,
} from '../../src/store/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { readUntil } from '../support/async.js';
import { killHard, startChild, untilPrinted } from '../support/child-process.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import type { SubscriberProcessOptions } from '../support/subscriber-process.js';
import { happened } from '../support/test-messages.js';

const EVENTS = 60;
const SCRIPT = './subscriber-process.ts';

async function appendEvents(store: PostgresEventStore, category: string, count: number, from = 0) {
  for (let n = from; n < from + count; n++)
    await store.appendToStream(`${category}-${n % 7}`, [happened(n)]);
}

async function applied(driver: SqlDriver, table: string) {
  const [row] = await driver.query<{ rows: number; events: number; pids: number[] }>(
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events,
            coalesce(array_agg(DISTINCT pid), '{}') AS pids
       FROM ${table}`,
  );
  return row!;
}

function scenario(
  driver: 'pg' | 'pglite',
  location: string,
  schema: string,
): SubscriberProcessOptions {
  const id = crypto.randomUUID().slice(0, 8);
  return {
    driver,
    location,
    schema,
    subscriber: `killable-${id}`,
    category: `kill${id}`,
    table: `applied_${id}`,
    batchDelayMs: 60,
  };
}

describePostgres('subscribers across processes on PostgreSQL', () => {
  const schema = uniqueSchemaName();
  const children: ChildProcess[] = [];
  let store: PostgresEventStore;
  const start = async (options: SubscriberProcessOptions) => {
    const child = await startChild(SCRIPT, options);
    children.push(child);
    return child;
  };

  afterAll(async () => {
    await Promise.all(children.map(killHard));
    await store.close();
    await dropSchema(schema);
  });

  it('applies every event exactly once when the process running it is killed mid-batch', async () => {
    store = await createPostgresEventStore({
      driver: createPgDriver({ connectionString: TEST_DATABASE_URL, schema }),
    });
    const options = scenario('pg', TEST_DATABASE_URL, schema);
    await appendEvents(store, options.category, EVENTS);
    const first = await start(options);
    await readUntil(
      () => applied(store.driver, options.table).catch(() => ({ rows: 0, events: 0, pids: [] })),
      (progress) => progress.rows >= 10,
    );
    await killHard(first);
    const afterKill = await applied(store.driver, options.table);
    expect(afterKill.events).toBeLessThan(EVENTS);

    const second = await start(options);
    const final = await readUntil(
      () => applied(store.driver, options.table),
      (progress) => progress.events === EVENTS,
      30_000,
    );
    second.kill('SIGTERM');
    expect(final).toMatchObject({ rows: EVENTS, events: EVENTS });
    expect(final.pids).toHaveLength(2);
  });

  it('hands the subscriber to a standby process within seconds when the holder dies', async () => {
    const options = scenario('pg', TEST_DATABASE_URL, schema);
    await appendEvents(store, options.category, 20);
    const processes = [await start(options), await start(options)];
    const before = await readUntil(
      () => applied(store.driver, options.table).catch(() => ({ rows: 0, events: 0, pids: [] })),
      (progress) => progress.events === 20,
      30_000,
    );
    expect(before.pids).toHaveLength(1);
    const holder = processes.find((child) => child.pid === before.pids[0])!;
    const standby = processes.find((child) => child !== holder)!;

    await killHard(holder);
    const killedAt = Date.now();
    await appendEvents(store, options.category, 20, 20);
    const after = await readUntil(
      () => applied(store.driver, options.table),
      (progress) => progress.events === 40,
      30_000,
    );
    const handoverMs = Date.now() - killedAt;
    expect(after).toMatchObject({ rows: 40, events: 40 });
    expect(after.pids).toContain(standby.pid);
    expect(handoverMs).toBeLessThan(5_000);
  });
});

describe('a subscriber killed on PGlite', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('applies every event exactly once after SIGKILL and a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-kill-'));
    dirs.push(dataDir);
    const options = scenario('pglite', dataDir, 'strata');
    const seed = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    await appendEvents(seed, options.category, EVENTS);
    await seed.close();

    const child = await startChild(SCRIPT, options);
    // Kill it mid-way: once its third batch (5 events, 60 ms apiece) starts, two have committed.
    await untilPrinted(child, child.output, /^batch 3$/m);
    await killHard(child);

    const store = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    try {
      const afterKill = await applied(store.driver, options.table);
      expect(afterKill.rows).toBe(afterKill.events);
      expect(afterKill.events).toBeGreaterThanOrEqual(10);
      expect(afterKill.events).toBeLessThan(EVENTS);
      const engine = createSubscriptionEngine({
        store,
        pollIntervalMs: 50,
        subscribers: [
          {
            name: options.subscriber,
            filter: { categories: [options.category] },
            transactional: true,
            async handle(events, { sql }) {
              for (const event of events) {
                await sql!.query(`INSERT INTO ${options.table} (event_id, pid) VALUES ($1, $2)`, [
                  event.id,
                  process.pid,
                ]);
              }
            },
          },
        ],
      });
      engine.start();
      const final = await readUntil(
        () => applied(store.driver, options.table),
        (progress) => progress.events === EVENTS,
      );
      await engine.stop();
      expect(final).toMatchObject({ rows: EVENTS, events: EVENTS });
    } finally {
      await store.close();
    }
  });
});
