import { randomUUID } from 'node:crypto';

import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  advisoryStreamName,
  busSubscriberName,
  DEFAULT_ADVISORY_MAX_AGE_MS,
  maxDeliveriesSubject,
  startBusConsumer,
  type BusConsumerOptions,
} from '../../src/bus/index.js';
import { createPgDriver, migrate, type SqlDriver } from '../../src/store/index.js';
import { createParkedEvents } from '../../src/subscriptions/index.js';
import { readUntil } from '../support/async.js';
import { BUS_SPACE, OrderPlaced, publishForwarded } from '../support/bus-messages.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { useBusServer } from '../support/bus-server.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const STREAM = 'SHOP';

type Options = BusConsumerOptions<typeof OrderPlaced>;

describePostgres('max-deliveries advisories kept in a stream', () => {
  describeWithNats('with a consumer in PostgreSQL', () => {
    const freshSchema = useFreshSchemas();
    const bus = useBusServer(STREAM);
    let driver: SqlDriver;
    let schema: string;

    beforeAll(async () => {
      schema = freshSchema();
      driver = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
      await migrate(driver);
      await driver.exec('CREATE TABLE shipped (order_id text PRIMARY KEY)');
    });

    afterAll(async () => {
      await driver.close();
    });

    /** Two deliveries, each 1 s to acknowledge, 100 ms (then 1 s) before a redelivery. */
    const consumerOptions = (durable: string, handle: Options['handle']): Options => ({
      connection: bus.nc,
      driver,
      stream: STREAM,
      durable,
      space: BUS_SPACE,
      events: [OrderPlaced],
      maxDeliver: 2,
      ackWaitMs: 1_000,
      backoffMs: [100],
      requestPollMs: 50,
      handle,
    });

    const publishOrder = (orderId: string) =>
      publishForwarded(bus.nc, {
        id: randomUUID(),
        type: 'shop.OrderPlaced',
        version: 2,
        data: { orderId, totalCents: 1, currency: 'EUR' },
      });

    it('keeps the advisories in <stream>_ADVISORIES, brought up to date at each start', async () => {
      const handle: Options['handle'] = () => Promise.resolve();
      await (await startBusConsumer(consumerOptions('packing', handle))).stop();
      const weekly = await bus.jsm.streams.info(advisoryStreamName(STREAM));
      await (
        await startBusConsumer({ ...consumerOptions('packing', handle), advisoryMaxAgeMs: 60_000 })
      ).stop();
      const { config } = await bus.jsm.streams.info(advisoryStreamName(STREAM));
      const packing = await bus.jsm.consumers.info(advisoryStreamName(STREAM), 'packing');
      await expect(
        startBusConsumer({ ...consumerOptions('packing', handle), advisoryMaxAgeMs: 0 }),
      ).rejects.toThrow('advisoryMaxAgeMs must be positive');
      expect(advisoryStreamName(STREAM)).toBe('SHOP_ADVISORIES');
      expect(weekly.config).toMatchObject({
        subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.SHOP.*'],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_age: nanos(DEFAULT_ADVISORY_MAX_AGE_MS),
      });
      expect(config.max_age).toBe(nanos(60_000));
      expect(packing.config).toMatchObject({
        filter_subject: maxDeliveriesSubject(STREAM, 'packing'),
        ack_policy: AckPolicy.Explicit,
        max_deliver: -1,
      });
    });

    it('parks a message given up while its consumer process was gone once it starts again', async () => {
      const proxy = await startTcpProxy(bus.server.port);
      const dying = await connect({ servers: proxy.url, reconnect: false });
      const deliveries: number[] = [];
      // The first delivery fails; during the second the process hangs (the server cannot tell
      // it from a live one), then dies, holding the message.
      const first = await startBusConsumer({
        ...consumerOptions('shipping', (message, { deliveryCount }) => {
          deliveries.push(deliveryCount);
          if (deliveryCount >= 2) proxy.cut();
          return Promise.reject(new Error(`cannot ship ${message.data.orderId} yet`));
        }),
        connection: dying,
      });
      const seq = await publishOrder('orphan');
      // The last delivery's ack wait runs out: the server gives the message up and sends its
      // max-deliveries advisory to a process that can no longer hear it.
      await readUntil(
        () => bus.jsm.consumers.info(STREAM, 'shipping'),
        (info) => info.delivered.consumer_seq === 2 && info.num_ack_pending === 0,
      );
      await proxy.close();
      await dying.closed();
      await first.stop();

      const second = await startBusConsumer(
        consumerOptions('shipping', async (message, { sql }) => {
          await sql.query('INSERT INTO shipped VALUES ($1)', [message.data.orderId]);
        }),
      );
      try {
        const subscriber = busSubscriberName('shipping');
        const [parked] = await readUntil(
          () => createParkedEvents(driver).list({ subscriber }),
          (found) => found.length === 1,
        );
        expect(deliveries).toEqual([1, 2]);
        expect(parked).toMatchObject({ globalPosition: seq, status: 'failed', attempts: 2 });
        expect(parked?.error).toBe(
          'exhausted 2 deliveries: no handler error seen (acknowledgement timed out)',
        );

        const retried = await runStrataInProcess([
          ...['--database-url', TEST_DATABASE_URL, '--schema', schema],
          ...['parked', 'retry', subscriber, String(seq)],
        ]);
        expect(retried).toMatchObject({ code: 0, stderr: '' });
        expect(retried.stdout).toMatch(/^Retried: handled/);
        expect(await driver.query('SELECT order_id FROM shipped')).toEqual([
          { order_id: 'orphan' },
        ]);
        expect(await createParkedEvents(driver).list({ subscriber })).toEqual([]);
      } finally {
        await second.stop();
      }
    });

    it('parks an exhausted message when its advisory comes back after parking failed', async () => {
      // Only this test's message: the new durable consumer starts at the stream's first.
      await bus.jsm.streams.purge(STREAM);
      const reported: string[] = [];
      let parkFailures = 0;
      const failingOnce: SqlDriver = {
        ...driver,
        query<Row>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]> {
          if (name === 'strata_park_event' && parkFailures === 0) {
            parkFailures += 1;
            return Promise.reject(new Error('the database is down'));
          }
          return driver.query<Row>(text, params, name);
        },
      };
      const consumer = await startBusConsumer({
        ...consumerOptions('invoicing', (message) =>
          Promise.reject(new Error(`cannot invoice ${message.data.orderId} yet`)),
        ),
        driver: failingOnce,
        onError: (error) => reported.push(error instanceof Error ? error.message : String(error)),
      });
      try {
        const seq = await publishOrder('unbillable');
        const [parked] = await readUntil(
          () => createParkedEvents(driver).list({ subscriber: busSubscriberName('invoicing') }),
          (found) => found.length === 1,
        );
        expect(parkFailures).toBe(1);
        expect(reported).toContain('the database is down');
        expect(parked).toMatchObject({ globalPosition: seq, status: 'failed', attempts: 2 });
        expect(parked?.error).toBe('exhausted 2 deliveries: cannot invoice unbillable yet');
      } finally {
        await consumer.stop();
      }
    });
  });
});
