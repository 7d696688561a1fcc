import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgDriver, createPostgresEventStore } from '../../src/store/index.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import {
  describeWithThrowawayCluster,
  startThrowawayCluster,
  type ThrowawayCluster,
} from '../support/throwaway-cluster.js';

// Any open transaction with an id, in any database of the cluster, holds every reader of the
// log back: that is what makes skipping impossible. Strata must say who it is. A cluster of the
// test's own, so no other suite's transaction is the oldest.

describeWithThrowawayCluster('a transaction holding the visibility horizon', () => {
  let cluster: ThrowawayCluster;
  let system: StrataSystem;
  let gateway: FastifyInstance;
  let holder: pg.Client;
  let holderPid: number;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    await cluster.sql('CREATE DATABASE app');
    await cluster.sql('CREATE TABLE scratch (n integer)');
    system = await createSystem({
      app: devpie,
      driver: createPgDriver({ connectionString: cluster.url('app') }),
    });
    await system.start();
    gateway = await buildGateway({ system, consistencyTimeoutMs: 300 });
    const owner = await gateway.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      payload: { userId: 'owner', email: 'owner@example.com', name: 'Owner' },
    });
    expect(owner.statusCode).toBe(200);

    // Another application's forgotten transaction, in another database, that wrote something.
    holder = new pg.Client({ connectionString: cluster.url('postgres') });
    await holder.connect();
    const [row] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    holderPid = row?.pid ?? 0;
    await holder.query('BEGIN');
    await holder.query('INSERT INTO scratch VALUES (1)');
  }, 30_000);

  afterAll(async () => {
    await holder.end().catch(() => undefined);
    await gateway.close();
    await system.stop();
    await cluster.destroy();
  });

  it('is named by the store, by readiness and by `strata status`', async () => {
    // Reported once it has been open for a second: younger ones are ordinary traffic.
    await expect.poll(async () => (await system.store.horizon()).heldBy?.pid).toBe(holderPid);
    expect((await system.store.horizon()).heldBy).toMatchObject({
      database: 'postgres',
      user: 'postgres',
      state: 'idle in transaction',
      preparedAs: null,
    });

    const ready = await gateway.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      horizon: { held: true, heldBy: { pid: holderPid }, seesAllSessions: true },
    });

    const status = await runStrataInProcess(['status'], { DATABASE_URL: cluster.url('app') });
    expect(status.stderr).toBe('');
    expect(status.stdout).toContain('Database: accepts writes');
    expect(status.stdout).toContain(`pid ${holderPid} (database postgres`);
    expect(status.code).toBe(0);
  });

  it("says when Strata's role may not see other roles' transactions", async () => {
    await cluster.sql('CREATE ROLE watcher LOGIN');
    await cluster.sql('GRANT USAGE ON SCHEMA strata TO watcher', 'app');
    await cluster.sql('GRANT SELECT ON ALL TABLES IN SCHEMA strata TO watcher', 'app');
    const store = await createPostgresEventStore({
      driver: createPgDriver({
        connectionString: `postgres://watcher@127.0.0.1:${cluster.port}/app`,
      }),
    });
    try {
      expect(await store.horizon()).toEqual({ heldBy: undefined, seesAllSessions: false });
      await cluster.sql('GRANT pg_read_all_stats TO watcher');
      expect(await store.horizon()).toMatchObject({
        heldBy: { pid: holderPid },
        seesAllSessions: true,
      });
    } finally {
      await store.close();
    }
  });

  it('answers a read-your-writes query it holds back with 503, Retry-After and its pid', async () => {
    const created = await gateway.inject({
      method: 'POST',
      url: '/commands/projects.CreateProject',
      payload: { projectId: 'held', ownerId: 'owner', name: 'Held' },
    });
    expect(created.statusCode).toBe(200);
    const query = () =>
      gateway.inject({
        method: 'GET',
        url: '/queries/projects.GetProject?projectId=held',
        headers: { 'strata-min-position': String(created.json<{ position: number }>().position) },
      });

    const held = await query();
    expect(held.statusCode).toBe(503);
    expect(held.headers['retry-after']).toBe('1');
    expect(held.json()).toMatchObject({
      code: 'CONSISTENCY_TIMEOUT',
      heldBy: { pid: holderPid, database: 'postgres', state: 'idle in transaction' },
    });
    expect(held.json<{ detail: string }>().detail).toContain(`pid ${holderPid}`);

    // It was the holder: once it ends, the same query answers.
    await holder.query('ROLLBACK');
    expect((await query()).statusCode).toBe(200);
  });
});
