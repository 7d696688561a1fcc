import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { busSubscriberName, startBusConsumer, type BusConsumer } from '../../src/bus/index.js';
import { createPgDriver, migrate, type SqlDriver } from '../../src/store/index.js';
import { createParkedEvents } from '../../src/subscriptions/index.js';
import { readUntil } from '../support/async.js';
import { BUS_SPACE, OrderPlaced, publishForwarded } from '../support/bus-messages.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { useBusServer } from '../support/bus-server.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import { runStrataInProcess } from '../support/strata-cli.js';

const STREAM = 'SHOP';
const SUBSCRIBER = busSubscriberName('billing');

describePostgres('a poison message on the bus', () => {
  describeWithNats('with a consumer in PostgreSQL', () => {
    const freshSchema = useFreshSchemas();
    const bus = useBusServer(STREAM);
    let driver: SqlDriver;
    let schema: string;
    let consumer: BusConsumer;
    let healed = false;
    const attempts: number[] = [];
    const attemptedAt: number[] = [];

    beforeAll(async () => {
      schema = freshSchema();
      driver = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
      await migrate(driver);
      await driver.exec('CREATE TABLE billed (order_id text PRIMARY KEY)');
      consumer = await startBusConsumer({
        connection: bus.nc,
        driver,
        stream: STREAM,
        durable: 'billing',
        space: BUS_SPACE,
        events: [OrderPlaced],
        maxDeliver: 2,
        ackWaitMs: 1_000,
        backoffMs: [100],
        requestPollMs: 50,
        async handle(message, { sql, deliveryCount }) {
          attempts.push(deliveryCount);
          attemptedAt.push(Date.now());
          if (!healed) throw new Error(`cannot bill ${message.data.orderId} yet`);
          await sql.query('INSERT INTO billed VALUES ($1)', [message.data.orderId]);
        },
      });
    });

    afterAll(async () => {
      await consumer.stop();
      await driver.close();
    });

    const cli = (...args: string[]) =>
      runStrataInProcess(['--database-url', TEST_DATABASE_URL, '--schema', schema, ...args]);

    it('exhausts its deliveries, is parked, and a retry from the CLI applies it', async () => {
      const seq = await publishForwarded(bus.nc, {
        id: randomUUID(),
        type: 'shop.OrderPlaced',
        version: 2,
        data: { orderId: 'poison', totalCents: 1, currency: 'EUR' },
      });
      const [parked] = await readUntil(
        () => createParkedEvents(driver).list({ subscriber: SUBSCRIBER }),
        (found) => found.length === 1,
      );
      expect(attempts).toEqual([1, 2]);
      // Naked with the backoff's delay, not redelivered at once.
      expect((attemptedAt[1] ?? 0) - (attemptedAt[0] ?? 0)).toBeGreaterThanOrEqual(90);
      expect(parked).toMatchObject({ globalPosition: seq, status: 'failed', attempts: 2 });
      expect(parked?.error).toBe('exhausted 2 deliveries: cannot bill poison yet');
      const listed = await cli('parked', 'list');
      expect(listed.stdout).toContain(`${SUBSCRIBER}\tposition ${seq}\tfailed`);

      healed = true;
      const retried = await cli('parked', 'retry', SUBSCRIBER, String(seq));
      expect(retried).toMatchObject({ code: 0, stderr: '' });
      expect(retried.stdout).toMatch(/^Retried: handled/);
      expect(await driver.query('SELECT order_id FROM billed')).toEqual([{ order_id: 'poison' }]);
      expect(await createParkedEvents(driver).list({ subscriber: SUBSCRIBER })).toEqual([]);
    });

    it('stays parked when a retry fails again, and a skip settles it unapplied', async () => {
      healed = false;
      const seq = await publishForwarded(bus.nc, {
        id: randomUUID(),
        type: 'shop.OrderPlaced',
        version: 2,
        data: { orderId: 'skipped', totalCents: 1, currency: 'EUR' },
      });
      await readUntil(
        () => createParkedEvents(driver).list({ subscriber: SUBSCRIBER }),
        (found) => found.length === 1,
      );
      const again = await cli('parked', 'retry', SUBSCRIBER, String(seq));
      expect(again.stdout).toMatch(/^Retried, and it failed again/);
      const [still] = await createParkedEvents(driver).list({ subscriber: SUBSCRIBER });
      expect(still).toMatchObject({ globalPosition: seq, status: 'failed', attempts: 3 });
      expect(still?.error).toBe('cannot bill skipped yet');
      const skipped = await cli('parked', 'skip', SUBSCRIBER, String(seq));
      expect(skipped.stdout).toMatch(/^Skipped/);
      const all = await createParkedEvents(driver).list({
        subscriber: SUBSCRIBER,
        includeSkipped: true,
      });
      expect(all).toMatchObject([{ globalPosition: seq, status: 'skipped' }]);
      expect(await driver.query('SELECT order_id FROM billed')).toEqual([{ order_id: 'poison' }]);
    });
  });
});
