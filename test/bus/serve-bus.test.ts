import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { readSchemaBucket, streamMessages } from '../support/bus-stream.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { runStrata, startServer } from '../support/strata-process.js';

describeWithNats('strata serve and the bus', () => {
  let dataDir: string;
  let nats: TestNatsServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-serve-bus-'));
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says the bus (and the lake) are off without NATS_URL (STRATA_LAKE), at start-up and in readiness', async () => {
    const server = await startServer(['--data-dir', dataDir]);
    try {
      await expect.poll(() => server.output()).toMatch(/Bus: +off \(set NATS_URL/);
      expect(server.output()).toMatch(/Lake: +off \(set STRATA_LAKE/);
      expect(server.output()).toMatch(
        /E-mail: +off: identity\.welcome-email does nothing \(set STRATA_SMTP_URL/,
      );
      expect(server.output()).toMatch(/CDN: +off: projects\.purge-pages does nothing/);
      const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as {
        bus: unknown;
        lake: unknown;
      };
      expect(ready.bus).toEqual({ enabled: false });
      expect(ready.lake).toEqual({ enabled: false });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('with NATS_URL publishes each command’s events to the stream and says so', async () => {
    const server = await startServer(['--data-dir', dataDir], { NATS_URL: nats.url });
    try {
      await expect
        .poll(() => server.output())
        .toMatch(/Bus: +on: every event to JetStream stream STRATA_DEVPIE \(strata\.devpie\.>\)/);
      const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as {
        bus: unknown;
      };
      expect(ready.bus).toEqual({ enabled: true, connected: true, stream: 'STRATA_DEVPIE' });
      const answer = await fetch(`${server.url}/commands/identity.RegisterUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', name: 'Ada' }),
      });
      expect(answer.status).toBe(200);
      await expect
        .poll(async () => (await streamMessages(nats.url, 'STRATA_DEVPIE')).map((m) => m.subject), {
          timeout: 10_000,
        })
        .toEqual(['strata.devpie.identity.UserRegistered.v1']);
      // The schemas went to the app's KV bucket at start: one per subject, and AsyncAPI.
      const schemas = await readSchemaBucket(nats.url, 'strata_devpie_schemas');
      expect(schemas).toContain('strata.devpie.identity.UserRegistered.v1');
      expect(schemas).toContain('asyncapi.json');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('strata bus resync re-publishes through the CLI, and without a bus says how to set one', async () => {
    const without = await runStrata(['bus', 'resync', '--from', '1', '--data-dir', dataDir]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/No bus configured: set NATS_URL/);
    const resync = await runStrata(['bus', 'resync', '--from', '1', '--data-dir', dataDir], {
      NATS_URL: nats.url,
    });
    // The server still remembers the event's id (2 min window): it drops the repeat.
    expect(resync.stdout).toMatch(/Re-published 0 event\(s\) to STRATA_DEVPIE; 1 dropped/);
    expect(resync.code).toBe(0);
  });
});
