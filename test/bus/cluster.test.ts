import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { freePort, startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { streamCount } from '../support/bus-stream.js';
import { useTestDatabase } from '../support/test-database.js';
import { appendMany, expectStreamIsTheLog } from './contract/forwarder.contract.js';
import { useForwardersOn } from './contract/forwarder-fixture.js';

/** Three JetStream servers on loopback, routed to each other: one cluster. */
async function startCluster(): Promise<TestNatsServer[]> {
  const routes = await Promise.all([freePort(), freePort(), freePort()]);
  const urls = routes.map((port) => `nats://127.0.0.1:${port}`);
  return Promise.all(
    routes.map((port, index) =>
      startNatsServer([
        '-n',
        `n${index + 1}`,
        '--cluster_name',
        'strata-test',
        '--cluster',
        urls[index]!,
        '--routes',
        urls.filter((_, other) => other !== index).join(','),
      ]),
    ),
  );
}

/** Waits until the cluster has elected its JetStream meta leader: before, JetStream answers nothing. */
async function untilJetStreamReady(urls: string[]): Promise<void> {
  const nc = await connect({ servers: urls });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await (await jetstreamManager(nc, { timeout: 1_000 })).getAccountInfo();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  } finally {
    await nc.close();
  }
}

describeWithNats('bus forwarder on a 3-node JetStream cluster', () => {
  const db = useTestDatabase('pglite');
  let cluster: TestNatsServer[] = [];
  beforeAll(async () => {
    cluster = await startCluster();
    await untilJetStreamReady(cluster.map((server) => server.url));
  });
  afterAll(async () => {
    await Promise.all(cluster.map((server) => server.destroy()));
  });
  const { startForwarder } = useForwardersOn(
    () => db().store,
    () => cluster.map((s) => s.url),
  );

  it('loses and repeats nothing when the R3 stream leader is killed mid-relay', async () => {
    const end = await appendMany(db(), 2_000, 200);
    const forwarder = await startForwarder({ window: 32, stream: { replicas: 3 } });
    const url = cluster[0]!.url;
    await expect
      .poll(() => streamCount(url, forwarder.stream), { timeout: 20_000 })
      .toBeGreaterThan(300);
    const nc = await connect({ servers: cluster.map((server) => server.url) });
    const info = await (await jetstreamManager(nc)).streams.info(forwarder.stream);
    await nc.close();
    const leader = Number(info.cluster?.leader?.replace('n', '')) - 1;
    expect(cluster[leader]).toBeDefined();
    const atKill = await streamCount(url, forwarder.stream);
    await cluster[leader]!.kill();
    expect(await forwarder.caughtUp(end, 60_000)).toBe(true);
    const alive = cluster.find((_, index) => index !== leader)!;
    const { log } = await expectStreamIsTheLog(db(), alive.url, forwarder.stream);
    expect(log.length).toBe(2_000);
    expect(atKill).toBeLessThan(1_500); // killed mid-relay, not after it
  });
});
