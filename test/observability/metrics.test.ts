import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { directorySink } from '../../src/lake/index.js';
import { ConcurrencyError, createPgDriver, type SqlDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import {
  describeWithPromtool,
  parseExposition,
  PROMTOOL,
  promtoolCheck,
  sampleValue,
  type Sample,
} from '../support/prometheus.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

interface Running {
  readonly system: StrataSystem;
  readonly http: FastifyInstance;
  readonly lake: string;
  readonly receiver: WebhookReceiver;
}

function metricsSuite(kind: 'pglite' | 'pg') {
  const freshSchema = kind === 'pg' ? useFreshSchemas() : undefined;
  const running: Running[] = [];
  afterEach(async () => {
    for (const { system, http, lake, receiver } of running.splice(0)) {
      await http.close();
      await system.stop();
      await receiver.close();
      await rm(lake, { recursive: true, force: true });
    }
  });

  const newDriver = async (): Promise<SqlDriver> =>
    freshSchema === undefined
      ? memoryPgliteDriver()
      : createPgDriver({ connectionString: TEST_DATABASE_URL, schema: freshSchema() });

  async function start(): Promise<Running> {
    const lake = await mkdtemp(join(tmpdir(), 'strata-metrics-lake-'));
    const system = await createSystem({
      app: devpie,
      driver: await newDriver(),
      lake: { sink: directorySink(lake), lingerMs: 0 },
      webhooks: { refreshMs: 100 },
    });
    // A subscriber that fails on one user's registration: parked at once.
    system.engine.add({
      name: 'test.poison',
      filter: { types: ['identity.UserRegistered'] },
      retry: { maxAttempts: 1 },
      onPoisonEvent: 'park',
      handle: (events) => {
        if (events.some((event) => event.streamId === 'user-poison'))
          return Promise.reject(new Error('poisoned'));
        return Promise.resolve();
      },
    });
    await system.start();
    const http = await buildGateway({ system });
    const receiver = await startWebhookReceiver();
    const started = { system, http, lake, receiver };
    running.push(started);
    return started;
  }

  const scrape = async (http: FastifyInstance) => {
    const response = await http.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  const register = (http: FastifyInstance, userId: string) =>
    http.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      payload: { userId, email: `${userId}@example.com`, name: userId },
    });

  it('counts a scripted workload, lag returns to 0, and promtool finds nothing to lint', async () => {
    const { system, http, receiver } = await start();
    const hook = await http.inject({
      method: 'POST',
      url: '/webhooks/endpoints',
      payload: { url: `${receiver.url}/hooks`, eventTypes: ['identity.UserRegistered'] },
    });
    expect(hook.statusCode).toBe(201);
    const webhook = `effect:webhook:${hook.json<{ id: string }>().id}`;

    expect((await register(http, 'ada')).statusCode).toBe(200);
    expect((await register(http, 'ada')).statusCode).toBe(422);
    const poison = await register(http, 'poison');
    expect(poison.statusCode).toBe(200);
    // An append expecting a version the stream has passed: a conflict at the store.
    await expect(
      system.store.appendToStream(
        'user-ada',
        [{ type: 'identity.UserEmailChanged', data: { userId: 'ada', email: 'x@example.com' } }],
        { expectedVersion: 0 },
      ),
    ).rejects.toThrow(ConcurrencyError);
    const position = poison.json<{ position: number }>().position;
    const query = await http.inject({
      url: '/queries/identity.GetUser?userId=ada',
      headers: { 'strata-min-position': String(position) },
    });
    expect(query.statusCode).toBe(200);

    const caughtUp = (samples: Sample[]) =>
      samples
        .filter(({ name }) => name === 'strata_subscriber_lag_events')
        .every(({ value }) => value === 0) &&
      sampleValue(samples, 'strata_subscriber_parked_events', { subscriber: 'test.poison' }) ===
        1 &&
      sampleValue(samples, 'strata_side_effect_deliveries_total', { effect: webhook }) === 2 &&
      sampleValue(samples, 'strata_lake_archived_position') === position;
    const samples = await readUntil(
      async () => parseExposition(await scrape(http)),
      caughtUp,
      45_000,
    );
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, labels);

    expect(value('strata_events_appended_total', { type: 'identity.UserRegistered' })).toBe(2);
    expect(
      value('strata_events_appended_total', {
        type: 'identity.UserRegistered',
        category: 'user',
      }),
    ).toBe(2);
    expect(value('strata_append_conflicts_total')).toBe(1);
    expect(value('strata_append_duration_seconds_count', { outcome: 'conflict' })).toBe(1);
    expect(value('strata_append_batch_size_count')).toBe(2);
    const command = { command: 'identity.RegisterUser' };
    expect(
      value('strata_command_duration_seconds_count', { ...command, outcome: 'accepted' }),
    ).toBe(2);
    expect(
      value('strata_command_duration_seconds_count', { ...command, outcome: 'rejected' }),
    ).toBe(1);
    expect(
      value('strata_query_duration_seconds_count', { query: 'identity.GetUser', outcome: 'ok' }),
    ).toBe(1);
    expect(
      value('strata_query_consistency_wait_seconds_count', { query: 'identity.GetUser' }),
    ).toBe(1);
    expect(value('strata_query_consistency_timeouts_total', { query: 'identity.GetUser' })).toBe(
      undefined,
    );

    const poisoned = { subscriber: 'test.poison' };
    expect(value('strata_subscriber_events_total', { ...poisoned, outcome: 'handled' })).toBe(1);
    expect(value('strata_subscriber_events_total', { ...poisoned, outcome: 'failed' })).toBe(1);
    expect(value('strata_subscriber_failures_total', poisoned)).toBeGreaterThanOrEqual(1);
    expect(value('strata_subscriber_handler_duration_seconds_count', poisoned)).toBeGreaterThan(0);
    expect(value('strata_subscriber_oldest_parked_age_seconds', poisoned)).toBeGreaterThan(0);
    expect(value('strata_subscriber_lease_held', poisoned)).toBe(1);
    const projection = system.projections.subscribersOf('identity.users')[0]!;
    expect(value('strata_subscriber_parked_events', { subscriber: projection })).toBe(0);
    expect(value('strata_subscriber_lag_seconds', { subscriber: projection })).toBe(0);
    expect(
      value('strata_side_effect_deliveries_total', { effect: webhook, outcome: 'delivered' }),
    ).toBe(2);
    expect(
      value('strata_http_request_duration_seconds_count', {
        route: '/commands/:name',
        status_code: '200',
      }),
    ).toBe(2);
    expect(
      value('strata_http_request_duration_seconds_count', {
        route: '/commands/:name',
        status_code: '422',
      }),
    ).toBe(1);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);

    const lint = promtoolCheck(await scrape(http));
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });

  if (kind === 'pg') {
    it('reports the age of an open transaction holding every reader back', async () => {
      const { http } = await start();
      const holder = createPgDriver({ connectionString: TEST_DATABASE_URL });
      try {
        await holder.transaction(async (tx) => {
          await tx.query('SELECT pg_current_xact_id()');
          await new Promise((settle) => setTimeout(settle, 1_200));
          const samples = parseExposition(await scrape(http));
          expect(sampleValue(samples, 'strata_horizon_age_seconds')).toBeGreaterThanOrEqual(1);
        });
      } finally {
        await holder.close();
      }
    });
  }
}

describeWithPromtool('metrics on PGlite', () => {
  metricsSuite('pglite');
});

describePostgres('metrics on PostgreSQL', () => {
  describeWithPromtool('with promtool', () => {
    metricsSuite('pg');
  });
});

describeWithPromtool('the example Prometheus set-up', () => {
  it('is a valid scrape config whose alerts use metrics Strata exposes', async () => {
    const dir = fileURLToPath(new URL('../../examples/prometheus/', import.meta.url));
    for (const args of [
      ['check', 'config', join(dir, 'prometheus.yml')],
      ['check', 'rules', join(dir, 'strata-alerts.yml')],
    ]) {
      const checked = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
      expect(checked.status, `${args.join(' ')}: ${checked.stdout}${checked.stderr}`).toBe(0);
    }
    const rules = await readFile(join(dir, 'strata-alerts.yml'), 'utf8');
    const used = new Set(rules.match(/strata_[a-z_]+/g));
    const system = await createSystem({ app: devpie, driver: await memoryPgliteDriver() });
    try {
      const exposed = new Set(
        (await system.metrics.registry.getMetricsAsJSON()).map((metric) => metric.name),
      );
      expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
      expect(used.size).toBeGreaterThan(0);
    } finally {
      await system.stop();
    }
  });
});
