import { afterEach, describe, expect, it } from 'vitest';

import type { StoredEvent } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  ParkedEventNotFoundError,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';
import { FAST, scenario } from './engine.contract.js';

const numberOf = (event: StoredEvent) => (event.data as { n: number }).n;

export function parkingContract(db: () => TestDatabase): void {
  describe('poison events', () => {
    const engines: SubscriptionEngine[] = [];
    const engineWith = (definition: SubscriberDefinition) => {
      const engine = createSubscriptionEngine({
        store: db().store,
        subscribers: [definition],
        pollIntervalMs: 100,
        leaseRetryMs: 100,
      });
      engines.push(engine);
      engine.start();
      return engine;
    };
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    /** A subscriber that fails on every event whose n is in `poison`, until cured. */
    function poisonable(subscriber: string, category: string, transactional: boolean) {
      const poison = new Set<number>();
      const applied: string[] = [];
      const definition: SubscriberDefinition = {
        name: subscriber,
        filter: { categories: [category] },
        transactional,
        batchSize: 50,
        ...FAST,
        handle(events) {
          for (const event of events) {
            if (poison.has(numberOf(event)))
              return Promise.reject(new Error(`cannot handle ${numberOf(event)}`));
          }
          applied.push(...events.map((event) => `${event.streamId.slice(-1)}${numberOf(event)}`));
          return Promise.resolve();
        },
      };
      return { poison, applied, definition };
    }

    it.each([true, false])(
      'parks a poison event after its retries and keeps other streams flowing (transactional: %s)',
      async (transactional) => {
        const { store } = db();
        const { category, subscriber } = scenario('poison');
        const { poison, applied, definition } = poisonable(subscriber, category, transactional);
        poison.add(2);
        const engine = engineWith(definition);
        await store.appendToStream(`${category}-a`, [happened(1), happened(2), happened(3)]);
        const last = await store.appendToStream(`${category}-b`, [happened(4), happened(5)]);
        expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);

        // a2 failed and was parked; a3 waits behind it; stream b went on.
        expect(applied).toEqual(['a1', 'b4', 'b5']);
        const parked = await engine.parked.list({ subscriber });
        expect(parked.map((event) => [event.streamVersion, event.status, event.attempts])).toEqual([
          [2, 'failed', 3],
          [3, 'blocked', 0],
        ]);
        expect(parked[0]!.error).toBe('cannot handle 2');
        expect((await engine.statusOf(subscriber)).parked).toBe(2);

        // Later events of the parked stream queue up behind it too.
        const more = await store.appendToStream(`${category}-a`, [happened(6)]);
        expect(await engine.waitUntilCaughtUp(subscriber, more.cursor!, 10_000)).toBe(true);
        expect((await engine.parked.list({ subscriber })).map((event) => event.status)).toEqual([
          'failed',
          'blocked',
          'blocked',
        ]);

        // Still broken: the retry fails again and nothing is released.
        expect(await engine.parked.retry(subscriber, parked[0]!.globalPosition)).toBe(
          'failed-again',
        );
        expect(applied).toEqual(['a1', 'b4', 'b5']);

        // Fixed: the retry applies it, then releases the stream's queue in order.
        poison.clear();
        expect(await engine.parked.retry(subscriber, parked[0]!.globalPosition)).toBe('handled');
        expect(applied).toEqual(['a1', 'b4', 'b5', 'a2', 'a3', 'a6']);
        expect(await engine.parked.list({ subscriber })).toEqual([]);

        // The stream flows normally again.
        const after = await store.appendToStream(`${category}-a`, [happened(7)]);
        expect(await engine.waitUntilCaughtUp(subscriber, after.cursor!, 10_000)).toBe(true);
        expect(applied.at(-1)).toBe('a7');
      },
    );

    it('skips a parked event on request and releases the ones behind it', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('skip');
      const { poison, applied, definition } = poisonable(subscriber, category, true);
      poison.add(1);
      const engine = engineWith(definition);
      const last = await store.appendToStream(`${category}-a`, [happened(1), happened(2)]);
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      await readUntil(
        () => engine.parked.list({ subscriber }),
        (events) => events.length === 2,
      );
      const [failed] = await engine.parked.list({ subscriber });
      expect(await engine.parked.skip(subscriber, failed!.globalPosition)).toBe('skipped');
      await readUntil(
        () => Promise.resolve(applied),
        (done) => done.length === 1,
      );
      expect(applied).toEqual(['a2']);
      expect(await engine.parked.list({ subscriber })).toEqual([]);
      const all = await engine.parked.list({ subscriber, includeSkipped: true });
      expect(all.map((event) => [event.streamVersion, event.status])).toEqual([[1, 'skipped']]);
    });

    it('refuses to retry an event that is not parked as failed', async () => {
      const { subscriber } = scenario('none');
      const engine = engineWith({ name: subscriber, handle: () => Promise.resolve() });
      await expect(engine.parked.retry(subscriber, 123_456_789)).rejects.toBeInstanceOf(
        ParkedEventNotFoundError,
      );
    });

    it('stops instead of parking under the stop policy', async () => {
      const { store } = db();
      const { category, subscriber } = scenario('halt');
      const { poison, applied, definition } = poisonable(subscriber, category, true);
      poison.add(2);
      const engine = engineWith({ ...definition, onPoisonEvent: 'stop' });
      await store.appendToStream(`${category}-a`, [happened(1), happened(2)]);
      await store.appendToStream(`${category}-b`, [happened(3)]);
      const status = await readUntil(
        () => engine.statusOf(subscriber),
        (current) => current.state === 'failed',
      );
      expect(status.state).toBe('failed');
      expect(status.lastError).toMatch(/keeps failing/);
      expect(applied).toEqual(['a1']);
      expect(status.lagEvents).toBe(2);
      expect(await engine.parked.list({ subscriber })).toEqual([]);
    });
  });
}
