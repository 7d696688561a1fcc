import { randomUUID } from 'node:crypto';

import { beforeAll, expect, it } from 'vitest';

import { busSubscriberName, startBusConsumer } from '../../src/bus/index.js';
import { migrate } from '../../src/store/index.js';
import { createParkedEvents } from '../../src/subscriptions/index.js';
import { readUntil } from '../support/async.js';
import {
  BUS_SPACE,
  createBusStream,
  OrderPlaced,
  publishForwarded,
} from '../support/bus-messages.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { useBusServer } from '../support/bus-server.js';
import { useTestDatabase, type DriverKind } from '../support/test-database.js';

const order = (orderId: string) => ({
  id: randomUUID(),
  type: 'shop.OrderPlaced',
  version: 2,
  data: { orderId, totalCents: 100, currency: 'EUR' },
});

for (const kind of ['pglite', 'pg'] as DriverKind[]) {
  describeWithNats(`a bus consumer taking a burst (${kind})`, () => {
    const db = useTestDatabase(kind);
    const bus = useBusServer();

    beforeAll(async () => {
      await migrate(db().driver);
      await db().driver.exec('CREATE TABLE orders (order_id text PRIMARY KEY, tx text)');
    });

    const rows = (stream: string) =>
      db().driver.query<{ order_id: string; tx: string }>(
        'SELECT order_id, tx FROM orders WHERE order_id LIKE $1 ORDER BY order_id',
        [`${stream}-%`],
      );

    it('applies a backlog in far fewer transactions than messages, each once, in order', async () => {
      const stream = 'BURST';
      await createBusStream(bus.nc, stream);
      const ids = Array.from({ length: 200 }, (_, n) => `${stream}-${String(n).padStart(3, '0')}`);
      for (const id of ids) await publishForwarded(bus.nc, order(id));
      const handled: string[] = [];
      const consumer = await startBusConsumer({
        connection: bus.nc,
        driver: db().driver,
        stream,
        durable: 'burst',
        space: BUS_SPACE,
        events: [OrderPlaced],
        prefetch: 16,
        async handle(message, { sql }) {
          handled.push(message.data.orderId);
          await sql.query('INSERT INTO orders VALUES ($1, txid_current()::text)', [
            message.data.orderId,
          ]);
        },
      });
      try {
        const applied = await readUntil(
          () => rows(stream),
          (found) => found.length === ids.length,
        );
        expect(handled).toEqual(ids);
        const transactions = new Set(applied.map((row) => row.tx)).size;
        // One commit per message would be 200; batches of up to 16 need at least 13.
        expect(transactions).toBeLessThanOrEqual(100);
        expect(transactions).toBeGreaterThanOrEqual(13);
      } finally {
        await consumer.stop();
        await bus.jsm.streams.delete(stream);
      }
    });

    it('lets the rest of a batch through when one message of it keeps failing, and parks that one', async () => {
      const stream = 'MIXED';
      await createBusStream(bus.nc, stream);
      const ids = Array.from({ length: 30 }, (_, n) => `${stream}-${String(n).padStart(3, '0')}`);
      const poison = ids[12]!;
      for (const id of ids) await publishForwarded(bus.nc, order(id));
      const consumer = await startBusConsumer({
        connection: bus.nc,
        driver: db().driver,
        stream,
        durable: 'mixed',
        space: BUS_SPACE,
        events: [OrderPlaced],
        prefetch: 16,
        maxDeliver: 2,
        ackWaitMs: 1_000,
        backoffMs: [100],
        async handle(message, { sql }) {
          // The write happens before the failure: the rollback must undo it.
          await sql.query('INSERT INTO orders VALUES ($1, txid_current()::text)', [
            message.data.orderId,
          ]);
          if (message.data.orderId === poison) throw new Error('cannot take this order');
        },
      });
      try {
        const parked = createParkedEvents(db().driver);
        const [record] = await readUntil(
          () => parked.list({ subscriber: busSubscriberName('mixed') }),
          (found) => found.length === 1,
          20_000,
        );
        expect(record?.error).toMatch(/cannot take this order/);
        const applied = await rows(stream);
        expect(applied.map((row) => row.order_id)).toEqual(ids.filter((id) => id !== poison));
        const [inbox] = await db().driver.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM bus_inbox WHERE consumer = $1`,
          [busSubscriberName('mixed')],
        );
        expect(inbox?.count).toBe(ids.length - 1);
      } finally {
        await consumer.stop();
        await bus.jsm.streams.delete(stream);
      }
    });
  });
}
