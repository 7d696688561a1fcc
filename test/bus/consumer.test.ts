import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach, expect, expectTypeOf, it } from 'vitest';

import {
  busSubscriberName,
  startBusConsumer,
  type BusConsumerOptions,
} from '../../src/bus/index.js';
import { migrate, type SqlDriver } from '../../src/store/index.js';
import { createParkedEvents } from '../../src/subscriptions/index.js';
import { readUntil } from '../support/async.js';
import {
  BUS_SPACE,
  OrderCancelled,
  OrderPlaced,
  publishForwarded,
} from '../support/bus-messages.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { useBusServer } from '../support/bus-server.js';

const STREAM = 'SHOP';

describeWithNats('a bus consumer', () => {
  const bus = useBusServer(STREAM);
  let driver: SqlDriver;

  beforeAll(async () => {
    driver = await memoryPgliteDriver();
    await migrate(driver);
    await driver.exec(
      'CREATE TABLE orders (order_id text PRIMARY KEY, total_cents integer, currency text)',
    );
  });

  afterAll(async () => {
    await driver.close();
  });

  beforeEach(async () => {
    await bus.jsm.streams.purge(STREAM);
    await driver.query('DELETE FROM orders');
  });

  /** Options of a consumer writing each order it is handed into `orders`. */
  const ordersConsumer = (
    durable: string,
    handled: string[],
  ): BusConsumerOptions<typeof OrderPlaced> => ({
    connection: bus.nc,
    driver,
    stream: STREAM,
    durable,
    space: BUS_SPACE,
    events: [OrderPlaced],
    maxDeliver: 3,
    ackWaitMs: 1_000,
    backoffMs: [100, 200],
    async handle(message, { sql }) {
      expectTypeOf(message.data.totalCents).toEqualTypeOf<number>();
      handled.push(message.data.orderId);
      await sql.query('INSERT INTO orders VALUES ($1, $2, $3)', [
        message.data.orderId,
        message.data.totalCents,
        message.data.currency,
      ]);
    },
  });

  const orders = () =>
    driver.query<{ order_id: string; total_cents: number; currency: string }>(
      'SELECT * FROM orders ORDER BY order_id',
    );

  it('hands the handler typed messages in the current version, upcasting older ones', async () => {
    const handled: string[] = [];
    const consumer = await startBusConsumer(ordersConsumer('typed', handled));
    await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 1,
      data: { orderId: 'a', total: 3 },
    });
    await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'b', totalCents: 250, currency: 'USD' },
    });
    const rows = await readUntil(orders, (found) => found.length === 2);
    await consumer.stop();
    expect(consumer.consumers).toEqual([
      { durable: 'typed', filterSubject: 'strata.shop.shop.OrderPlaced.*' },
    ]);
    expect(rows).toEqual([
      { order_id: 'a', total_cents: 300, currency: 'EUR' },
      { order_id: 'b', total_cents: 250, currency: 'USD' },
    ]);
  });

  it('parks a message whose data its schema refuses, without handing it to the handler', async () => {
    const handled: string[] = [];
    const consumer = await startBusConsumer(ordersConsumer('validating', handled));
    const seq = await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'bad', totalCents: -5, currency: 'EUR' },
    });
    await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'good', totalCents: 5, currency: 'EUR' },
    });
    const parked = await readUntil(
      () => createParkedEvents(driver).list({ subscriber: busSubscriberName('validating') }),
      (found) => found.length === 1,
    );
    await readUntil(orders, (found) => found.length === 1);
    await consumer.stop();
    expect(handled).toEqual(['good']);
    expect(parked[0]).toMatchObject({
      globalPosition: seq,
      status: 'failed',
      eventType: 'shop.OrderPlaced',
      streamId: 'order-' + (parked[0]?.eventId ?? ''),
    });
    expect(parked[0]?.error).toMatch(/shop\.OrderPlaced v2 is not valid/);
  });

  it('consumes several types through one durable consumer per subject', async () => {
    const seen: string[] = [];
    const consumer = await startBusConsumer({
      connection: bus.nc,
      driver,
      stream: STREAM,
      durable: 'multi',
      space: BUS_SPACE,
      events: [OrderPlaced, OrderCancelled],
      handle(message) {
        seen.push(
          message.type === 'shop.OrderPlaced'
            ? `placed ${message.data.totalCents}`
            : `cancelled ${message.data.orderId}`,
        );
        return Promise.resolve();
      },
    });
    await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'm', totalCents: 7, currency: 'EUR' },
    });
    await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderCancelled',
      version: 1,
      data: { orderId: 'm' },
    });
    await readUntil(
      () => Promise.resolve(seen),
      (found) => found.length === 2,
    );
    await consumer.stop();
    expect(consumer.consumers).toEqual([
      { durable: 'multi-shop_OrderPlaced', filterSubject: 'strata.shop.shop.OrderPlaced.*' },
      { durable: 'multi-shop_OrderCancelled', filterSubject: 'strata.shop.shop.OrderCancelled.*' },
    ]);
    expect(seen.sort()).toEqual(['cancelled m', 'placed 7']);
  });

  it('keeps a long handler that reports working() from being redelivered', async () => {
    const consumer = await startBusConsumer({
      ...ordersConsumer('patient', []),
      async handle(_message, { working }) {
        // Twice the ack wait in all, telling the server every 300 ms.
        for (let waited = 0; waited < 2_000; waited += 300) {
          await sleep(300);
          working();
        }
      },
    });
    const seq = await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'slow', totalCents: 1, currency: 'EUR' },
    });
    const info = await readUntil(
      () => bus.jsm.consumers.info(STREAM, 'patient'),
      (found) => found.ack_floor.stream_seq === seq,
    );
    await consumer.stop();
    expect(info.delivered.consumer_seq).toBe(1);
  });

  it('applies a message redelivered after a crash between commit and ack only once', async () => {
    const crashing = await connect({ servers: bus.server.url });
    let crashed = false;
    const handled: string[] = [];
    // The handler's transaction commits, then the process "dies" before it can ack.
    const committingThenDying: SqlDriver = {
      ...driver,
      async transaction(work) {
        const result = await driver.transaction(work);
        if (!crashed) {
          crashed = true;
          await crashing.close();
          throw new Error('crashed after commit');
        }
        return result;
      },
    };
    const first = await startBusConsumer({
      ...ordersConsumer('crashing', handled),
      connection: crashing,
      driver: committingThenDying,
    });
    const seq = await publishForwarded(bus.nc, {
      id: randomUUID(),
      type: 'shop.OrderPlaced',
      version: 2,
      data: { orderId: 'once', totalCents: 1, currency: 'EUR' },
    });
    await readUntil(() => Promise.resolve(crashed), Boolean);
    await first.stop();
    const second = await startBusConsumer(ordersConsumer('crashing', handled));
    const info = await readUntil(
      () => bus.jsm.consumers.info(STREAM, 'crashing'),
      (found) => found.ack_floor.stream_seq === seq,
    );
    await second.stop();
    expect(info.delivered.consumer_seq).toBeGreaterThanOrEqual(2);
    expect(handled).toEqual(['once']);
    expect(await orders()).toHaveLength(1);
  });
});
