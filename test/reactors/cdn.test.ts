import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { ProjectRenamed } from '../../examples/devpie/projects/index.js';
import { createSystem, defineApp, type StrataSystem } from '../../src/app/index.js';
import {
  cdnInvalidationReactor,
  cloudflarePurger,
  httpPurger,
  type CdnPurger,
} from '../../src/reactors/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly at: number;
}

/** A purge endpoint on loopback that rate-limits: the first `limited` requests get 429. */
async function startPurgeStub(limited: number) {
  const received: Received[] = [];
  let refusals = limited;
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
        at: Date.now(),
      });
      if (refusals > 0) {
        refusals--;
        response.writeHead(429, { 'retry-after': '1' }).end('slow down');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

describe('CDN invalidation effects against a local purge endpoint', () => {
  let stub: Awaited<ReturnType<typeof startPurgeStub>>;
  const systems: StrataSystem[] = [];
  beforeEach(async () => {
    stub = await startPurgeStub(1);
  });
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
    await stub.close();
  });

  const start = async (cdn: CdnPurger, app = devpie) => {
    const system = await createSystem({ app, driver: await createPgliteDriver(), cdn });
    await system.start();
    systems.push(system);
    return system;
  };
  const send = (system: StrataSystem, type: string, data: unknown) =>
    system.commands.send({ type, data });

  it("purges a devpie project's pages once per batch, waiting out the rate limit", async () => {
    const system = await start(httpPurger({ url: `${stub.url}/purge` }));
    expect(system.effects.running).toContain('effect:projects.purge-pages');
    await send(system, 'identity.RegisterUser', { userId: 'ada', email: 'a@x.io', name: 'Ada' });
    await readUntil(
      () =>
        send(system, 'projects.CreateProject', { projectId: 'apollo', ownerId: 'ada', name: 'A' }),
      () => true,
    );
    // Three changes at once: they fall in one window of the effect.
    await Promise.all(
      ['t1', 't2', 't3'].map((taskId) =>
        send(system, 'projects.AddTask', { projectId: 'apollo', taskId, title: taskId }),
      ),
    );
    // The first call is refused (429, Retry-After: 1 s), the same call made again a second on.
    const [refused, accepted] = await readUntil(
      () => Promise.resolve(stub.received),
      (received) => received.length >= 2,
    );
    expect(refused).toMatchObject({ method: 'POST', url: '/purge' });
    expect(accepted!.body).toEqual({ paths: ['/projects/apollo', '/projects/apollo/tasks'] });
    expect(accepted!.body).toEqual(refused!.body);
    expect(accepted!.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    expect(accepted!.headers['idempotency-key']).toBe(refused!.headers['idempotency-key']);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(900);
    await new Promise((settle) => setTimeout(settle, 1_500));
    // Three tasks, one batch: no third call.
    expect(stub.received).toHaveLength(2);
  });

  it("calls Cloudflare's purge-by-URL API shape in chunks, with the token", async () => {
    const manyPaths = cdnInvalidationReactor({
      name: 'test.purge-many',
      on: [ProjectRenamed],
      windowMs: 50,
      paths: (event) => Array.from({ length: 7 }, (_, n) => `/p/${event.data.projectId}/${n}`),
    });
    const purger = cloudflarePurger({
      zoneId: 'zone-1',
      token: 'secret-token',
      siteUrl: 'https://devpie.test',
      apiUrl: `${stub.url}/client/v4`,
      urlsPerCall: 3,
    });
    const system = await start(purger, defineApp({ ...devpie, effects: [manyPaths] }));
    await send(system, 'identity.RegisterUser', { userId: 'ada', email: 'a@x.io', name: 'Ada' });
    await readUntil(
      () =>
        send(system, 'projects.CreateProject', { projectId: 'apollo', ownerId: 'ada', name: 'A' }),
      () => true,
    );
    await send(system, 'projects.RenameProject', { projectId: 'apollo', name: 'Apollo 11' });
    const received = await readUntil(
      () => Promise.resolve(stub.received),
      (calls) => calls.length >= 4,
      10_000,
    );
    // One refused by the rate limit, then 3 + 3 + 1 URLs.
    const accepted = received.slice(1);
    expect(accepted.map((call) => (call.body as { files: string[] }).files.length)).toEqual([
      3, 3, 1,
    ]);
    expect(accepted[0]).toMatchObject({
      method: 'POST',
      url: '/client/v4/zones/zone-1/purge_cache',
      body: {
        files: [
          'https://devpie.test/p/apollo/0',
          'https://devpie.test/p/apollo/1',
          'https://devpie.test/p/apollo/2',
        ],
      },
    });
    expect(accepted[0]!.headers.authorization).toBe('Bearer secret-token');
  });
});
