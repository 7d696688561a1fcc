import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgDriver } from '../../src/store/index.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import {
  describeWithThrowawayCluster,
  startThrowawayCluster,
  type ThrowawayCluster,
} from '../support/throwaway-cluster.js';

// A database that stops accepting writes is the operator's doing (a failover, a full disk, a
// database set read-only): commands must get "try again later", not a 500, and come back by
// themselves. It runs on a cluster of its own: the shared one is never made read-only.

describeWithThrowawayCluster('a database that does not accept writes', () => {
  let cluster: ThrowawayCluster;
  const running: { system: StrataSystem; gateway: FastifyInstance }[] = [];

  async function openGateway() {
    const driver = createPgDriver({ connectionString: cluster.url('app'), maxConnections: 3 });
    const system = await createSystem({ app: devpie, driver });
    await system.start();
    const gateway = await buildGateway({ system });
    running.push({ system, gateway });
    return gateway;
  }

  /**
   * Sets the database's read-only default. Sessions take it when they connect, so going
   * read-only also ends the open ones (as an operator would); going back does not, which is
   * what leaves read-only sessions in a pool.
   */
  async function setReadOnly(readOnly: boolean) {
    await cluster.sql(
      `ALTER DATABASE app SET default_transaction_read_only = ${readOnly ? 'on' : 'off'}`,
    );
    if (readOnly) {
      await cluster.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = 'app' AND pid <> pg_backend_pid()`,
      );
    }
  }

  const register = (gateway: FastifyInstance, userId: string) =>
    gateway.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      payload: { userId, email: `${userId}@example.com`, name: userId },
    });

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    await cluster.sql('CREATE DATABASE app');
  }, 30_000);

  afterAll(async () => {
    for (const { system, gateway } of running) {
      await gateway.close();
      await system.stop();
    }
    await cluster.destroy();
  });

  it('answers commands with 503 and Retry-After, and is not ready, while read-only', async () => {
    const gateway = await openGateway();
    expect((await register(gateway, 'before')).statusCode).toBe(200);
    await setReadOnly(true);

    const reasons: unknown[] = [];
    for (const userId of ['ro1', 'ro2', 'ro3', 'ro4']) {
      const refused = await register(gateway, userId);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      reasons.push(refused.json<{ reason: unknown }>().reason);
    }
    // The first may meet a pooled session the operator just ended ("unreachable").
    expect(reasons.at(-1)).toBe('read-only');
    const ready = await gateway.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBeDefined();
    expect(ready.json()).toMatchObject({ code: 'NOT_READY', reason: 'read-only' });
    // The driver's own words ("cannot execute INSERT in a read-only transaction") stay inside.
    expect(ready.body).not.toMatch(/cannot execute|transaction/);
  });

  it('takes commands again within a second once the database accepts writes', async () => {
    const [{ gateway } = { gateway: await openGateway() }] = running;
    // Queries at once fill the pool with sessions opened while read-only, which keep that
    // default after the database takes writes again.
    const reads = await Promise.all(
      Array.from({ length: 6 }, () =>
        gateway.inject({ method: 'GET', url: '/queries/identity.GetUser?userId=before' }),
      ),
    );
    expect(reads.map((read) => read.statusCode)).toEqual(Array(6).fill(200));
    await setReadOnly(false);
    const since = Date.now();
    let attempt = 0;
    while ((await register(gateway, `back${attempt}`)).statusCode !== 200) {
      attempt++;
      expect(Date.now() - since, 'commands still refused').toBeLessThan(1_000);
    }
    // Not one lucky connection: commands at once take every pooled session, and none of them
    // is a read-only one left over.
    const after = await Promise.all(
      Array.from({ length: 6 }, (_, more) => register(gateway, `after${more}`)),
    );
    expect(after.map((command) => command.statusCode)).toEqual(Array(6).fill(200));
    await expect
      .poll(async () => (await gateway.inject({ method: 'GET', url: '/health/ready' })).statusCode)
      .toBe(200);
  });

  it('does not hand out a session opened while read-only once another is seen writable', async () => {
    await cluster.sql('CREATE TABLE IF NOT EXISTS public.scratch (n int)', 'app');
    const driver = createPgDriver({ connectionString: cluster.url('app'), maxConnections: 3 });
    const write = (n: number) =>
      driver.transaction((tx) => tx.query('INSERT INTO public.scratch VALUES ($1)', [n]));
    let endRead = () => {};
    try {
      await setReadOnly(true);
      // Three reads at once: the pool now holds three sessions that stay read-only.
      await Promise.all(
        [1, 2, 3].map(() => driver.transaction((tx) => tx.query('SELECT pg_sleep(0.05)'))),
      );
      await setReadOnly(false);
      // A reader keeps one of them busy while the writes refuse and drop the other two...
      const reading = driver.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await new Promise<void>((resolve) => (endRead = resolve));
      });
      await expect(write(1)).rejects.toMatchObject({ code: '25006' });
      await expect(write(2)).rejects.toMatchObject({ code: '25006' });
      // ...and a fresh session takes the next write.
      await write(3);
      endRead();
      await reading;
      // The reader's read-only session is back in the pool, on top: it must not be used.
      for (const n of [4, 5, 6, 7]) await write(n);
      const [{ count } = { count: 0 }] = await cluster.sql<{ count: string }>(
        'SELECT count(*) FROM public.scratch',
        'app',
      );
      expect(Number(count)).toBe(5);
    } finally {
      endRead();
      await driver.close();
    }
  });

  it('starts, serves queries and lists streams against a read-only database', async () => {
    await setReadOnly(true);
    const gateway = await openGateway();
    const user = await gateway.inject({
      method: 'GET',
      url: '/queries/identity.GetUser?userId=before',
    });
    expect(user.statusCode).toBe(200);
    expect(user.json()).toMatchObject({ userId: 'before' });

    const listed = await runStrataInProcess(['streams', 'list'], {
      DATABASE_URL: cluster.url('app'),
    });
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toContain('user-before');
    expect(listed.code).toBe(0);
  });
});
