import { afterEach, describe, expect, it } from 'vitest';

import {
  createSubscriptionEngine,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { deferred, readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';
import { scenario } from './engine.contract.js';

/**
 * Subscribers and transactions still open when they start. Needs two transactions open at
 * once, so it runs on PostgreSQL; PGlite runs transactions one at a time.
 */
export function openTransactionsContract(db: () => TestDatabase): void {
  describe('transactions open when a subscriber starts', () => {
    const engines: SubscriptionEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    it("delivers, with startFrom 'end', the events of a transaction that commits after it started", async () => {
      const { store } = db();
      const { category, subscriber } = scenario('openatstart');
      // A transaction appends and stays open; a later one commits meanwhile, so the newest
      // committed event sorts after the open transaction's.
      const appended = deferred();
      const release = deferred();
      const open = store.transaction(async (tx) => {
        await tx.appendToStream(`${category}-open`, [happened(1)]);
        appended.resolve();
        await release.promise;
      });
      await appended.promise;
      await store.appendToStream(`${category}-later`, [happened(2)]);

      const seen: number[] = [];
      const engine = createSubscriptionEngine({
        store,
        pollIntervalMs: 50,
        leaseRetryMs: 100,
        subscribers: [
          {
            name: subscriber,
            filter: { categories: [category] },
            startFrom: 'end',
            handle: (events) => {
              seen.push(...events.map((event) => (event.data as { n: number }).n));
              return Promise.resolve();
            },
          },
        ],
      });
      engines.push(engine);
      engine.start();
      await readUntil(
        () => engine.checkpoint(subscriber),
        (cursor) => cursor !== undefined,
      );

      release.resolve();
      await open;
      const [event] = await store.readStream(`${category}-open`);
      expect(await engine.waitUntilCaughtUp(subscriber, event!.cursor, 10_000)).toBe(true);
      // At least once: the event committed just before the start may come too.
      expect(seen).toContain(1);
      expect(seen.filter((n) => n === 1)).toHaveLength(1);
    });
  });
}
