import { afterEach, describe, expect, it } from 'vitest';

import { createPostgresEventStore, type StoredEvent } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { deferred, readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';
import { happened, ThingRenamed } from '../../support/test-messages.js';

/** Fast retries and polls, so failure paths finish in milliseconds. */
export const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };

/** A category no other test uses, and a name for a subscriber of it. */
export function scenario(prefix: string) {
  const id = crypto.randomUUID().slice(0, 8);
  return { category: `${prefix}${id}`, subscriber: `${prefix}-${id}` };
}

export function engineContract(db: () => TestDatabase): void {
  describe('subscription engine', () => {
    const engines: SubscriptionEngine[] = [];
    const engineWith = (...subscribers: SubscriberDefinition[]) => {
      const engine = createSubscriptionEngine({
        store: db().store,
        subscribers,
        pollIntervalMs: 100,
        leaseRetryMs: 100,
      });
      engines.push(engine);
      return engine;
    };
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    it('catches up from the beginning, then follows new commits, each event once in order', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('follow');
      for (let n = 0; n < 30; n++)
        await store.appendToStream(`${category}-${n % 3}`, [happened(n)]);
      const seen: StoredEvent[] = [];
      const engine = engineWith({
        name: subscriber,
        filter: { categories: [category] },
        batchSize: 7,
        handle: (events) => {
          seen.push(...events);
          return Promise.resolve();
        },
      });
      engine.start();
      let last = await store.appendToStream(`${category}-0`, [happened(30)]);
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      for (let n = 31; n < 40; n++)
        last = await store.appendToStream(`${category}-${n % 3}`, [happened(n)]);
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);

      expect(seen.map((event) => (event.data as { n: number }).n)).toEqual(
        Array.from({ length: 40 }, (_, n) => n),
      );
      const status = await engine.statusOf(subscriber);
      expect(status).toMatchObject({
        name: subscriber,
        state: 'live',
        lagEvents: 0,
        lagSeconds: 0,
        parked: 0,
      });
      expect(status.cursor).toBe(last.cursor);
    });

    it('delivers only the event types and categories it asks for', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('filter');
      const seen: string[] = [];
      const engine = engineWith({
        name: subscriber,
        filter: { categories: [category], types: [ThingRenamed.name] },
        handle: (events) => {
          seen.push(...events.map((event) => event.streamId));
          return Promise.resolve();
        },
      });
      engine.start();
      await store.appendToStream(`${category}-a`, [happened(1)]);
      await store.appendToStream(`other${category}-b`, [
        { type: ThingRenamed.name, data: { name: 'x' } },
      ]);
      const last = await store.appendToStream(`${category}-c`, [
        { type: ThingRenamed.name, data: { name: 'y' } },
        happened(2),
      ]);
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      expect(seen).toEqual([`${category}-c`]);
    });

    it('starts at the end of the log when told to', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('tail');
      await store.appendToStream(`${category}-1`, [happened(1)]);
      const seen: number[] = [];
      const engine = engineWith({
        name: subscriber,
        filter: { categories: [category] },
        startFrom: 'end',
        handle: (events) => {
          seen.push(...events.map((event) => (event.data as { n: number }).n));
          return Promise.resolve();
        },
      });
      engine.start();
      // Live: it has placed itself at the end and read on from there.
      await readUntil(
        () => engine.statusOf(subscriber),
        ({ state }) => state === 'live',
      );
      const last = await store.appendToStream(`${category}-1`, [happened(2)]);
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      expect(seen).toEqual([2]);
    });

    it('commits a transactional batch with its checkpoint, or neither', async () => {
      const { store, driver } = db();
      const { category, subscriber } = scenario('atomic');
      const table = `applied_${category}`;
      await driver.exec(`CREATE TABLE ${table} (event_id uuid PRIMARY KEY)`);
      let failFirst = true;
      const engine = engineWith({
        name: subscriber,
        filter: { categories: [category] },
        transactional: true,
        ...FAST,
        async handle(events, { sql }) {
          for (const event of events) {
            await sql!.query(`INSERT INTO ${table} (event_id) VALUES ($1)`, [event.id]);
          }
          if (failFirst) {
            failFirst = false;
            throw new Error('crash after the writes');
          }
        },
      });
      const last = await store.appendToStream(`${category}-1`, [
        happened(1),
        happened(2),
        happened(3),
      ]);
      engine.start();
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      const rows = await driver.query<{ count: number }>(`SELECT count(*) AS count FROM ${table}`);
      expect(rows[0]?.count).toBe(3);
      await driver.exec(`DROP TABLE ${table}`);
    });

    it('finishes the batch in hand on stop and resumes after it', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('stop');
      const inHandler = deferred();
      const release = deferred();
      const batches: number[][] = [];
      const definition: SubscriberDefinition = {
        name: subscriber,
        filter: { categories: [category] },
        transactional: true,
        batchSize: 2,
        async handle(events) {
          batches.push(events.map((event) => (event.data as { n: number }).n));
          if (batches.length === 1) {
            inHandler.resolve();
            await release.promise;
          }
        },
      };
      await store.appendToStream(
        `${category}-1`,
        [1, 2, 3, 4].map((n) => happened(n)),
      );
      const first = engineWith(definition);
      first.start();
      await inHandler.promise;
      const stopping = first.stop();
      release.resolve();
      await stopping;
      expect(batches).toEqual([[1, 2]]);
      const status = await first.statusOf(subscriber);
      expect(status.state).toBe('stopped');
      expect(status.lagEvents).toBe(2);

      const second = engineWith(definition);
      second.start();
      const [, last] = await store.readStream(`${category}-1`, { from: 3 });
      expect(await second.waitUntilCaughtUp(subscriber, last!.cursor, 10_000)).toBe(true);
      expect(batches).toEqual([
        [1, 2],
        [3, 4],
      ]);
    });

    it('runs a subscriber in one engine at a time and hands it over when that one stops', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('lease');
      const handledBy: string[] = [];
      const definition = (engineName: string): SubscriberDefinition => ({
        name: subscriber,
        filter: { categories: [category] },
        handle: (events) => {
          handledBy.push(...events.map(() => engineName));
          return Promise.resolve();
        },
      });
      const a = engineWith(definition('a'));
      const b = engineWith(definition('b'));
      a.start();
      await readUntil(
        () => a.statusOf(subscriber),
        ({ state }) => state === 'live',
      );
      b.start();
      let last = await store.appendToStream(`${category}-1`, [happened(1)]);
      expect(await a.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      // A while for b to try for the lease (every 100 ms here) and find it taken.
      await new Promise((settle) => setTimeout(settle, 150));
      expect((await b.statusOf(subscriber)).state).toBe('standby');

      await a.stop();
      last = await store.appendToStream(`${category}-1`, [happened(2)]);
      expect(await b.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      expect(handledBy).toEqual(['a', 'b']);
    });

    it('lets a short batch linger to fill, then hands it over in one piece; a full one at once', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('linger');
      const batches: { size: number; at: number }[] = [];
      const engine = engineWith({
        name: subscriber,
        filter: { categories: [category] },
        batchSize: 20,
        lingerMs: 600,
        handle: (events) => {
          batches.push({ size: events.length, at: Date.now() });
          return Promise.resolve();
        },
      });
      engine.start();
      // A full page is handled without waiting.
      let last = await store.appendToStream(
        `${category}-0`,
        Array.from({ length: 20 }, (_, n) => happened(n)),
      );
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 2_000)).toBe(true);
      // Three commits spread over 300 ms: one batch, handled no sooner than 600 ms after the first.
      const firstAt = Date.now();
      for (let n = 0; n < 3; n++) {
        last = await store.appendToStream(`${category}-1`, [happened(n)]);
        await new Promise((settle) => setTimeout(settle, 100));
      }
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      expect(batches.map((batch) => batch.size)).toEqual([20, 3]);
      expect(batches[1]!.at - firstAt).toBeGreaterThanOrEqual(550);
    });

    it('reports a lease given back on stop as released, never as lost', async () => {
      const { category, subscriber } = scenario('release');
      const activities: string[] = [];
      // On PostgreSQL a store of its own, closed after the stop as `strata serve` closes its
      // store: the lease's session ending then is not a loss either.
      const store =
        db().kind === 'pg'
          ? await createPostgresEventStore({ driver: db().openSecondDriver(), migrate: false })
          : db().store;
      const engine = createSubscriptionEngine({
        store,
        subscribers: [
          { name: subscriber, filter: { categories: [category] }, handle: () => Promise.resolve() },
        ],
        pollIntervalMs: 100,
        onActivity: (name, activity) => {
          if (name === subscriber) activities.push(activity.kind);
        },
      });
      engine.start();
      await readUntil(
        () => engine.statusOf(subscriber),
        ({ state }) => state === 'live',
      );
      await engine.stop();
      if (store !== db().store) await store.close();
      // The lost-lease notice, when it comes, comes a tick after the session ends.
      await new Promise((settle) => setTimeout(settle, 50));
      expect(activities).toEqual(['lease-acquired', 'lease-released']);
    });
  });
}
