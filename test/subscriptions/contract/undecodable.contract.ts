import { afterEach, describe, expect, it } from 'vitest';

import type { MessageRegistry } from '../../../src/messages/index.js';
import type { StoredEvent } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { readUntil } from '../../support/async.js';
import { insertRaw, type TestDatabase } from '../../support/test-database.js';
import {
  brokenUpcasterRegistry,
  happened,
  testRegistry,
  ThingSized,
} from '../../support/test-messages.js';
import { FAST, scenario } from './engine.contract.js';

/** One way an event can be impossible to decode, and the registry the subscriber reads with. */
interface Case {
  readonly name: string;
  readonly registry: MessageRegistry;
  readonly store: (db: TestDatabase, streamId: string) => Promise<unknown>;
  readonly error: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'a type nothing registers',
    registry: testRegistry,
    store: (db, streamId) => insertRaw(db, streamId, 'test.NobodyKnowsMe', 1, { any: 'thing' }),
    error: /test\.NobodyKnowsMe/,
  },
  {
    name: 'a failing upcaster',
    registry: brokenUpcasterRegistry,
    store: (db, streamId) => insertRaw(db, streamId, ThingSized.name, 1, { centimetres: 5 }),
    error: /this upcaster is broken/,
  },
  {
    name: 'a malformed stored payload',
    registry: testRegistry,
    store: (db, streamId) => insertRaw(db, streamId, ThingSized.name, 1, 'not an object'),
    error: /cannot be decoded/,
  },
];

const numberOf = (event: StoredEvent) => (event.data as { n: number }).n;

/**
 * Events a subscriber cannot decode go to its poison policy one by one: they never fail the
 * page they are read in, so the other streams keep flowing.
 */
export function undecodableContract(db: () => TestDatabase): void {
  describe('events that cannot be decoded', () => {
    const engines: SubscriptionEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    async function engineWith(registry: MessageRegistry, definition: SubscriberDefinition) {
      const engine = createSubscriptionEngine({
        store: await db().openStore({ registry }),
        subscribers: [definition],
        pollIntervalMs: 100,
        leaseRetryMs: 100,
      });
      engines.push(engine);
      engine.start();
      return engine;
    }

    it('hands a subscriber asking for events as stored every one of them, none upcast or parked', async () => {
      const { category, subscriber } = scenario('stored');
      const streamId = `${category}-a`;
      await db().store.appendToStream(streamId, [happened(1)]);
      for (const { store } of CASES) await store(db(), streamId);
      const last = await db().store.appendToStream(streamId, [happened(2)]);
      const handled: StoredEvent[] = [];
      const engine = await engineWith(brokenUpcasterRegistry, {
        name: subscriber,
        filter: { categories: [category] },
        asStored: true,
        ...FAST,
        handle: (events) => {
          handled.push(...events);
          return Promise.resolve();
        },
      });
      expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
      expect(handled.map((event) => [event.type, event.schemaVersion, event.data])).toEqual([
        [happened(1).type, 1, happened(1).data],
        ['test.NobodyKnowsMe', 1, { any: 'thing' }],
        [ThingSized.name, 1, { centimetres: 5 }],
        [ThingSized.name, 1, 'not an object'],
        [happened(2).type, 1, happened(2).data],
      ]);
      expect(await engine.parked.list({ subscriber })).toEqual([]);
    });

    it.each(CASES)(
      'parks $name with its error, holds its stream behind it, and handles the rest',
      async ({ registry, store, error }) => {
        const { category, subscriber } = scenario('undecodable');
        const [poisoned, healthy] = [`${category}-a`, `${category}-b`];
        const handled: string[] = [];
        // All in one page: the bad event sits between good ones of two streams.
        await db().store.appendToStream(poisoned, [happened(1)]);
        await store(db(), poisoned);
        await db().store.appendToStream(poisoned, [happened(2)]);
        const last = await db().store.appendToStream(healthy, [happened(3)]);
        const engine = await engineWith(registry, {
          name: subscriber,
          filter: { categories: [category] },
          transactional: true,
          ...FAST,
          handle: (events) => {
            handled.push(...events.map((event) => `${event.streamId.slice(-1)}${numberOf(event)}`));
            return Promise.resolve();
          },
        });

        expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
        expect(handled).toEqual(['a1', 'b3']);
        const parked = await engine.parked.list({ subscriber });
        expect(parked.map((event) => [event.streamId, event.streamVersion, event.status])).toEqual([
          [poisoned, 2, 'failed'],
          [poisoned, 3, 'blocked'],
        ]);
        expect(parked[0]!.error).toMatch(error);
        const status = await engine.statusOf(subscriber);
        expect(status).toMatchObject({ state: 'live', parked: 2, lagEvents: 0 });

        // Retrying cannot decode it either: it stays parked, the stream stays held.
        expect(await engine.parked.retry(subscriber, parked[0]!.globalPosition)).toBe(
          'failed-again',
        );
        const next = await db().store.appendToStream(healthy, [happened(4)]);
        expect(await engine.waitUntilCaughtUp(subscriber, next.cursor!, 10_000)).toBe(true);
        expect(handled).toEqual(['a1', 'b3', 'b4']);

        // An operator who skips it releases the stream.
        expect(await engine.parked.skip(subscriber, parked[0]!.globalPosition)).toBe('skipped');
        await readUntil(
          () => Promise.resolve(handled),
          (seen) => seen.includes('a2'),
        );
        expect(handled).toEqual(['a1', 'b3', 'b4', 'a2']);
      },
    );

    it('stops on an undecodable event under the stop policy, after the events before it', async () => {
      const { category, subscriber } = scenario('undecodablestop');
      const handled: number[] = [];
      await db().store.appendToStream(`${category}-a`, [happened(1)]);
      await insertRaw(db(), `${category}-a`, 'test.NobodyKnowsMe', 1, {});
      await db().store.appendToStream(`${category}-b`, [happened(2)]);
      const engine = await engineWith(testRegistry, {
        name: subscriber,
        filter: { categories: [category] },
        onPoisonEvent: 'stop',
        ...FAST,
        handle: (events) => {
          handled.push(...events.map(numberOf));
          return Promise.resolve();
        },
      });
      const status = await readUntil(
        () => engine.statusOf(subscriber),
        (current) => current.state === 'failed',
      );
      expect(status.lastError).toMatch(/cannot be decoded/);
      expect(handled).toEqual([1]);
      expect(await engine.parked.list({ subscriber })).toEqual([]);
    });
  });
}
