import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { LOG_START, type Cursor, type StoredEvent } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  subscriberLeaseKey,
  SubscriberNotPausedError,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';
import { scenario } from './engine.contract.js';

export function pausingContract(db: () => TestDatabase): void {
  describe('pausing a subscriber and moving its checkpoint', () => {
    const engines: SubscriptionEngine[] = [];
    const engineWith = (...subscribers: SubscriberDefinition[]) => {
      const engine = createSubscriptionEngine({
        store: db().store,
        subscribers,
        pollIntervalMs: 50,
        leaseRetryMs: 50,
      });
      engines.push(engine);
      return engine;
    };
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    /** A subscriber of a fresh category that records what it handles. */
    function recorder(prefix: string) {
      const { category, subscriber } = scenario(prefix);
      const seen: StoredEvent[] = [];
      const definition: SubscriberDefinition = {
        name: subscriber,
        filter: { categories: [category] },
        batchSize: 5,
        handle: (events) => {
          seen.push(...events);
          return Promise.resolve();
        },
      };
      const numbers = () => seen.map((event) => (event.data as { n: number }).n);
      return { category, subscriber, definition, seen, numbers };
    }

    /** Appends events `from` … `to - 1` on two streams; the last one's cursor. */
    const append = async (category: string, from: number, to: number) => {
      let cursor: Cursor = LOG_START;
      for (let n = from; n < to; n++) {
        const appended = await db().store.appendToStream(`${category}-${n % 2}`, [happened(n)]);
        cursor = appended.cursor ?? cursor;
      }
      return cursor;
    };

    it('reads nothing while paused, from any process, even after a restart; resumed, it catches up once each', async () => {
      const { category, subscriber, definition, numbers } = recorder('pause');
      const running = engineWith(definition);
      running.start();
      const first = await append(category, 0, 5);
      expect(await running.waitUntilCaughtUp(subscriber, first, 10_000)).toBe(true);

      // Paused through another engine that does not run it: a second process's operator.
      await engineWith().pause(subscriber, 'maintenance');
      await readUntil(
        () => running.statusOf(subscriber),
        (status) => status.state === 'paused',
        10_000,
      );
      const second = await append(category, 5, 12);
      await sleep(300);
      expect(numbers()).toEqual([0, 1, 2, 3, 4]);
      expect(await running.pauses()).toEqual([
        expect.objectContaining({ subscriber, reason: 'maintenance' }),
      ]);

      // A restarted process finds it paused still.
      await running.stop();
      const restarted = engineWith(definition);
      restarted.start();
      await readUntil(
        () => restarted.statusOf(subscriber),
        (status) => status.state === 'paused',
        10_000,
      );
      expect(numbers()).toEqual([0, 1, 2, 3, 4]);

      expect(await restarted.resume(subscriber)).toBe(true);
      expect(await restarted.resume(subscriber)).toBe(false);
      expect(await restarted.waitUntilCaughtUp(subscriber, second, 10_000)).toBe(true);
      expect(numbers()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('moves the checkpoint only while paused: back to replay from a position, in order', async () => {
      const { category, subscriber, definition, seen, numbers } = recorder('reset');
      const engine = engineWith(definition);
      engine.start();
      const last = await append(category, 0, 8);
      expect(await engine.waitUntilCaughtUp(subscriber, last, 10_000)).toBe(true);
      const fourth = seen[3]!;

      await expect(engine.resetTo(subscriber, fourth.cursor)).rejects.toThrow(
        SubscriberNotPausedError,
      );
      await engine.pause(subscriber);
      await readUntil(
        () => engine.statusOf(subscriber),
        (status) => status.state === 'paused',
        10_000,
      );
      await engine.resetTo(subscriber, fourth.cursor);
      expect(await engine.checkpoint(subscriber)).toBe(fourth.cursor);
      await engine.resume(subscriber);
      await readUntil(
        () => Promise.resolve(numbers()),
        (handled) => handled.length === 12,
        10_000,
      );
      expect(numbers()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7]);
      expect(await engine.checkpoint(subscriber)).toBe(last);
    });

    it("names the process that holds a subscriber's lease, and no one once it stops", async () => {
      const { category, subscriber, definition } = recorder('holder');
      const engine = engineWith(definition);
      engine.start();
      const last = await append(category, 0, 2);
      expect(await engine.waitUntilCaughtUp(subscriber, last, 10_000)).toBe(true);
      expect(await engine.leaseHolder(subscriber)).toMatchObject({ thisProcess: true });
      if (db().kind === 'pg') {
        // Another process's view: a store on a driver of its own.
        const elsewhere = db().openSecondDriver();
        try {
          const holder = await elsewhere.leaseHolder(subscriberLeaseKey(subscriber));
          expect(holder?.thisProcess).toBe(false);
          expect(holder?.applicationName).toMatch(/^strata-lease\//);
          expect(holder?.pid).toBeGreaterThan(0);
        } finally {
          await elsewhere.close();
        }
      }
      await engine.stop();
      expect(await engine.leaseHolder(subscriber)).toBeUndefined();
    });
  });
}
