import { afterEach, describe, expect, it } from 'vitest';

import { StoreUnavailableError, type StoredEvent } from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import type { TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';
import { FAST, scenario } from './engine.contract.js';

const numberOf = (event: StoredEvent) => (event.data as { n: number }).n;

/** A database that refuses work for a while is no poison: nothing is parked for it. */
export function unavailableContract(db: () => TestDatabase): void {
  describe('a database refusing work for a while', () => {
    const engines: SubscriptionEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    });

    it.each([true, false])(
      'parks nothing and handles every event once it accepts work again (transactional: %s)',
      async (transactional) => {
        const { store } = db();
        const { category, subscriber } = scenario('refused');
        // More refusals than the subscriber's retries: before, the event was parked as poison.
        let refusals = FAST.retry.maxAttempts + 2;
        const handled: number[] = [];
        const engine = createSubscriptionEngine({
          store,
          subscribers: [
            {
              name: subscriber,
              filter: { categories: [category] },
              transactional,
              ...FAST,
              handle(events) {
                if (refusals-- > 0) return Promise.reject(new StoreUnavailableError('disk-full'));
                handled.push(...events.map(numberOf));
                return Promise.resolve();
              },
            },
          ],
          pollIntervalMs: 50,
          leaseRetryMs: 50,
        });
        engines.push(engine);
        engine.start();
        const last = await store.appendToStream(`${category}-a`, [happened(1), happened(2)]);

        expect(await engine.waitUntilCaughtUp(subscriber, last.cursor!, 10_000)).toBe(true);
        expect(handled).toEqual([1, 2]);
        expect(await engine.parked.list({ subscriber })).toEqual([]);
      },
    );
  });
}
