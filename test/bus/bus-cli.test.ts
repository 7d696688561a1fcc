import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createPgliteDriver, createPostgresEventStore } from '../../src/store/index.js';
import { createBusStream, publishForwarded } from '../support/bus-messages.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { runStrataInProcess } from '../support/strata-cli.js';

describeWithNats('strata bus', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;
  let dataDir: string;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    await createBusStream(nc, 'SHOP');
    for (const [version, data] of [
      [1, { orderId: 'a', total: 1 }],
      [2, { orderId: 'b', totalCents: 1, currency: 'EUR' }],
      [2, { orderId: 'c', totalCents: 2, currency: 'EUR' }],
    ] as const) {
      await publishForwarded(nc, { id: randomUUID(), type: 'shop.OrderPlaced', version, data });
    }
    // A store whose forwarder has a checkpoint at the start of a log of three events.
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-bus-cli-'));
    const store = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    for (let i = 1; i <= 3; i++) {
      await store.appendToStream(`thing-${i}`, [{ type: 'test.Happened', data: { i } }]);
    }
    await store.driver.query("INSERT INTO checkpoints (subscriber) VALUES ('bus:forwarder')");
    await store.close();
  });

  afterAll(async () => {
    await nc.close();
    await server.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  const bus = (...args: string[]) =>
    runStrataInProcess(['--data-dir', dataDir, 'bus', '--nats-url', server.url, ...args]);

  it('status shows the stream, its subjects with their counts, and the forwarder lag', async () => {
    const status = await bus('status');
    expect(status).toMatchObject({ code: 0, stderr: '' });
    const lines = status.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Stream SHOP\tstrata\.shop\.>\t3 messages\t/);
    expect(lines.slice(1, 3)).toEqual([
      '  strata.shop.shop.OrderPlaced.v1\t1',
      '  strata.shop.shop.OrderPlaced.v2\t2',
    ]);
    expect(lines[3]).toMatch(/^Forwarder bus:forwarder: 3 events behind the log/);
  });

  it('consumers add creates a durable consumer that consumers list shows', async () => {
    // With a backoff, JetStream times the first delivery out after the backoff's first delay.
    const added = await bus(
      'consumers',
      'add',
      'billing',
      '--stream',
      'SHOP',
      '--filter',
      'strata.shop.shop.OrderPlaced.*',
      '--max-deliver',
      '4',
      '--ack-wait',
      '10s',
      '--backoff',
      '1s,2500ms',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const listed = await bus('consumers', 'list');
    expect(listed.stdout.trim()).toBe(
      'SHOP\tbilling\tfilter strata.shop.shop.OrderPlaced.*\tmax deliver 4\tack wait 1s\t' +
        'backoff 1s,2500ms\t3 pending\t0 unacked\t0 redelivered',
    );
  });

  it('consumers add refuses to change the filter of an existing consumer', async () => {
    const changed = await bus(
      'consumers',
      'add',
      'billing',
      '--stream',
      'SHOP',
      '--filter',
      'strata.shop.>',
    );
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/^strata: Consumer billing of stream SHOP filters/);
  });
});
