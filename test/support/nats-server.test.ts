import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { describeWithNats } from './describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';

describeWithNats('a nats-server of the test', () => {
  let server: TestNatsServer;

  beforeAll(async () => {
    server = await startNatsServer();
  });

  afterAll(async () => {
    await server.destroy();
  });

  it('serves JetStream on its own port, and comes back after a kill on the same port', async () => {
    expect(server.port).not.toBe(4222);
    const first = await connect({ servers: server.url });
    expect(first.info?.jetstream).toBe(true);
    await first.close();
    await server.kill();
    await server.restart();
    const again = await connect({ servers: server.url });
    expect(again.info?.port).toBe(server.port);
    await again.close();
  });
});
