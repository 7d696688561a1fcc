import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem, type SystemOptions } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { generateSecret, insertEndpoint } from '../../src/reactors/index.js';
import { createPgDriver, type SqlDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import {
  startWebhookReceiver,
  type Answer,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

interface Running {
  readonly system: StrataSystem;
  readonly http: FastifyInstance;
  /** Moves the clock of the retry schedule and of failing times on. */
  readonly advance: (ms: number) => void;
}

function webhookSuite(kind: 'pglite' | 'pg') {
  const freshSchema = kind === 'pg' ? useFreshSchemas() : undefined;
  const running: Running[] = [];
  /** What the endpoints' bookkeeping reported (reading the endpoints, stopping subscribers). */
  const webhookErrors: unknown[] = [];
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const { system, http } of running.splice(0)) {
      await http.close();
      await system.stop();
    }
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  const newDriver = async (): Promise<SqlDriver> =>
    freshSchema === undefined
      ? memoryPgliteDriver()
      : createPgDriver({ connectionString: TEST_DATABASE_URL, schema: freshSchema() });

  const start = async (
    webhooks: SystemOptions['webhooks'] = {},
    driver?: SqlDriver,
  ): Promise<Running> => {
    let offset = 0;
    const system = await createSystem({
      app: devpie,
      driver: driver ?? (await newDriver()),
      webhooks: { refreshMs: 100, ...webhooks },
      retryScheduler: { now: () => Date.now() + offset, intervalMs: 50 },
      onError: (error, source) => {
        if (source === 'webhooks') webhookErrors.push(error);
      },
    });
    await system.start();
    const http = await buildGateway({ system });
    const started = { system, http, advance: (ms: number) => void (offset += ms) };
    running.push(started);
    return started;
  };

  const receiver = async (answer?: (request: ReceivedWebhook, index: number) => Answer) => {
    const started = await startWebhookReceiver(answer);
    receivers.push(started);
    return started;
  };

  const register = async (http: FastifyInstance, body: Record<string, unknown>) => {
    const response = await http.inject({
      method: 'POST',
      url: '/webhooks/endpoints',
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string; secret: string }>();
  };

  const registerUser = (system: StrataSystem, userId: string) =>
    system.commands.send({
      type: 'identity.RegisterUser',
      data: { userId, email: `${userId}@example.com`, name: userId },
    });

  const changeEmail = (system: StrataSystem, userId: string, email: string) =>
    system.commands.send({ type: 'identity.ChangeEmail', data: { userId, email } });

  const deliveries = async (http: FastifyInstance, id: string, query = '') =>
    (await http.inject(`/webhooks/endpoints/${id}/deliveries${query}`)).json<{
      deliveries: {
        eventId: string;
        attempt: number;
        outcome: string;
        httpStatus: number | null;
        error: string | null;
      }[];
    }>().deliveries;

  const payloadOf = (request: ReceivedWebhook) =>
    JSON.parse(request.body) as { type: string; data: { userId: string } };

  const waitFor = <T>(
    read: () => T | Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 45_000,
  ) => readUntil(() => Promise.resolve(read()), done, timeoutMs);

  it('delivers each event signed per Standard Webhooks, its id as webhook-id, and logs it', async () => {
    const { system, http } = await start();
    const target = await receiver();
    const endpoint = await register(http, {
      url: `${target.url}/hooks`,
      eventTypes: ['identity.UserRegistered', 'identity.UserEmailChanged'],
      description: 'CRM',
    });
    expect(endpoint.id).toMatch(/^ep_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const first = await registerUser(system, 'ada');
    await changeEmail(system, 'ada', 'lovelace@example.com');
    await waitFor(
      () => target.received,
      (received) => received.length === 2,
    );
    const verifier = new Webhook(endpoint.secret);
    const [registered, changed] = target.received;
    expect(registered!.path).toBe('/hooks');
    expect(registered!.headers['webhook-id']).toBe(first.events[0]!.id);
    // The reference implementation of the specification checks the signature and timestamp.
    const payload = verifier.verify(
      registered!.body,
      registered!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({
      type: 'identity.UserRegistered',
      data: { userId: 'ada', email: 'ada@example.com' },
      event: { id: first.events[0]!.id, streamVersion: 1 },
    });
    expect(
      verifier.verify(changed!.body, changed!.headers as Record<string, string>),
    ).toMatchObject({ type: 'identity.UserEmailChanged', data: { email: 'lovelace@example.com' } });
    expect(() =>
      new Webhook(endpoint.secret).verify(
        `${registered!.body} `,
        registered!.headers as Record<string, string>,
      ),
    ).toThrow();
    const log = await waitFor(
      () => deliveries(http, endpoint.id),
      (entries) => entries.length === 2,
    );
    expect(log.map((entry) => [entry.outcome, entry.httpStatus, entry.attempt])).toEqual([
      ['delivered', 204, 1],
      ['delivered', 204, 1],
    ]);
  });

  it('retries a failing event on the schedule (clock moved on), its stream held, others flowing', async () => {
    // Steps of minutes: real seconds passing under load do not reach the next attempt.
    const { system, http, advance } = await start({
      scheduleMs: [MINUTE, 5 * MINUTE, 30 * MINUTE],
    });
    // Ada's deliveries are refused twice, then taken; everyone else's are taken at once.
    let adaRefusals = 2;
    const flaky = await receiver((request) => {
      if (payloadOf(request).data.userId === 'ada' && adaRefusals > 0) {
        adaRefusals--;
        return { status: 503 };
      }
      return { status: 200 };
    });
    const healthy = await receiver();
    const flakyEndpoint = await register(http, { url: flaky.url });
    await register(http, { url: healthy.url });
    await registerUser(system, 'ada');
    await changeEmail(system, 'ada', 'ada2@example.com');
    await registerUser(system, 'bob');
    await changeEmail(system, 'bob', 'bob2@example.com');
    // The healthy endpoint is not held up by the other one.
    await waitFor(
      () => healthy.received,
      (received) => received.length === 4,
    );
    // Bob's stream flows on the flaky endpoint; Ada's first event failed once and is parked.
    await waitFor(
      () => flaky.received.map((request) => payloadOf(request).data.userId),
      (users) => users.filter((user) => user === 'bob').length === 2,
    );
    expect(flaky.received.filter((request) => request.body.includes('"ada"'))).toHaveLength(1);
    const subscriber = `effect:webhook:${flakyEndpoint.id}`;
    // Ada's second event is held behind her first (recorded with the batch's checkpoint).
    await waitFor(
      async () => (await system.engine.parked.list({ subscriber })).map((event) => event.status),
      (statuses) => statuses.join() === 'failed,blocked',
    );

    // Not before 1 min on the schedule's clock; at 1 min the second attempt (refused again).
    await new Promise((settle) => setTimeout(settle, 300));
    expect(flaky.received.filter((request) => request.body.includes('"ada"'))).toHaveLength(1);
    advance(MINUTE);
    await waitFor(
      () => flaky.received.filter((request) => request.body.includes('"ada"')),
      (ada) => ada.length === 2,
    );

    // The next is 5 min after that one (the clock is 1 min ahead of the database's, which
    // dates the attempts): at 4 min ahead nothing happens, past 5 it is taken.
    advance(3 * MINUTE);
    await new Promise((settle) => setTimeout(settle, 300));
    expect(flaky.received.filter((request) => request.body.includes('"ada"'))).toHaveLength(2);
    advance(MINUTE + SECOND);
    const ada = await waitFor(
      () => flaky.received.filter((request) => request.body.includes('"ada"')),
      (requests) => requests.length === 4,
    );
    // The same webhook-id on every attempt; the stream's order kept.
    expect(ada.map((request) => payloadOf(request).type)).toEqual([
      'identity.UserRegistered',
      'identity.UserRegistered',
      'identity.UserRegistered',
      'identity.UserEmailChanged',
    ]);
    expect(new Set(ada.slice(0, 3).map((request) => request.headers['webhook-id'])).size).toBe(1);
    const log = await waitFor(
      () => deliveries(http, flakyEndpoint.id),
      (entries) => entries.length === 6,
    );
    const adaFirst = String(ada[0]!.headers['webhook-id']);
    expect(
      log
        .filter((entry) => entry.eventId === adaFirst)
        .map((entry) => [entry.attempt, entry.outcome, entry.httpStatus])
        .reverse(),
    ).toEqual([
      [1, 'failed', 503],
      [2, 'failed', 503],
      [3, 'delivered', 200],
    ]);
    const status = (await http.inject(`/webhooks/endpoints/${flakyEndpoint.id}`)).json<{
      status: Record<string, unknown>;
      failingSince: string | null;
    }>();
    expect(status.status).toMatchObject({
      delivered: 4,
      failedAttempts: 2,
      parked: 0,
      retrying: 0,
    });
    expect(status.failingSince).toBeNull();
  });

  it('delivers every event after the registration, however late a server starts the endpoint', async () => {
    // A server that reads the endpoints rarely, and an endpoint registered elsewhere (the CLI).
    const { system } = await start({ refreshMs: 600_000 });
    const target = await receiver();
    await registerUser(system, 'before');
    await insertEndpoint(system.store.driver, { url: target.url, secret: generateSecret() });
    await registerUser(system, 'after');
    await system.webhooks.refresh();
    await waitFor(
      () => target.received,
      (received) => received.length >= 1,
    );
    await new Promise((settle) => setTimeout(settle, 300));
    expect(target.received.map((request) => payloadOf(request).data.userId)).toEqual(['after']);
  });

  it('counts no answer within the timeout as a failure, and says so', async () => {
    const { system, http } = await start({ timeoutMs: 300 });
    const slow = await receiver(() => ({ status: 200, delayMs: 2_000 }));
    const endpoint = await register(http, { url: slow.url });
    await registerUser(system, 'ada');
    const [failed] = await waitFor(
      () => deliveries(http, endpoint.id),
      (entries) => entries.length === 1,
    );
    expect(failed).toMatchObject({
      outcome: 'failed',
      httpStatus: null,
      error: 'no answer within 300 ms',
    });
  });

  it('disables an endpoint answering 410 Gone, delivers nothing more, and resumes when enabled', async () => {
    const { system, http } = await start();
    let gone = true;
    const target = await receiver(() => ({ status: gone ? 410 : 200 }));
    const endpoint = await register(http, { url: target.url });
    await registerUser(system, 'ada');
    const disabled = await readUntil(
      async () =>
        (await http.inject(`/webhooks/endpoints/${endpoint.id}`)).json<{
          enabled: boolean;
          disabledReason: string | null;
        }>(),
      (view) => !view.enabled,
      45_000,
    );
    expect(disabled.disabledReason).toBe('the receiver answered 410 Gone');
    await registerUser(system, 'bob');
    await new Promise((settle) => setTimeout(settle, 500));
    expect(target.received).toHaveLength(1);
    gone = false;
    const enabled = await http.inject({
      method: 'POST',
      url: `/webhooks/endpoints/${endpoint.id}/enable`,
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null });
    // Bob's event, written while it was disabled, is delivered; Ada's waits parked for a retry.
    await waitFor(
      () => target.received,
      (received) => received.length === 2,
    );
    expect(payloadOf(target.received[1]!).data.userId).toBe('bob');
    const [parked] = await system.engine.parked.list({
      subscriber: `effect:webhook:${endpoint.id}`,
    });
    expect([parked?.status, parked?.streamId]).toEqual(['failed', 'user-ada']);
    expect(await system.engine.parked.retry(parked!.subscriber, parked!.globalPosition)).toBe(
      'handled',
    );
    expect(target.received).toHaveLength(3);
  });

  it('disables an endpoint failing for longer than disableAfterMs, with the last error', async () => {
    const { system, http, advance } = await start({
      disableAfterMs: 20 * MINUTE,
      scheduleMs: [MINUTE, 5 * MINUTE, 30 * MINUTE],
    });
    const target = await receiver(() => ({ status: 500 }));
    const endpoint = await register(http, { url: target.url });
    await registerUser(system, 'ada');
    await waitFor(
      () => target.received,
      (received) => received.length >= 1,
    );
    advance(MINUTE);
    await waitFor(
      () => target.received,
      (received) => received.length >= 2,
    );
    const view = async () =>
      (await http.inject(`/webhooks/endpoints/${endpoint.id}`)).json<{
        enabled: boolean;
        disabledReason: string | null;
        failingSince: string | null;
      }>();
    expect((await view()).failingSince).toEqual(expect.any(String));
    expect((await view()).enabled).toBe(true);
    // 5 min on: the third attempt, 6 min after the first: still within 20 min.
    advance(5 * MINUTE);
    await waitFor(
      () => target.received,
      (received) => received.length >= 3,
    );
    expect((await view()).enabled).toBe(true);
    // 30 min on: the fourth, past 20 min of failing: disabled.
    advance(30 * MINUTE);
    const disabled = await readUntil(view, (current) => !current.enabled, 45_000);
    expect(disabled.disabledReason).toMatch(/^failing since .*; last: answered 500/);
  });

  it('signs with the old and the new secret while a rotation’s grace lasts', async () => {
    const { system, http } = await start();
    const target = await receiver();
    const endpoint = await register(http, { url: target.url });
    const rotated = await http.inject({
      method: 'POST',
      url: `/webhooks/endpoints/${endpoint.id}/rotate-secret`,
      payload: {},
    });
    const { secret } = rotated.json<{ secret: string }>();
    expect(secret).not.toBe(endpoint.secret);
    await registerUser(system, 'ada');
    const [request] = await waitFor(
      () => target.received,
      (received) => received.length === 1,
    );
    const headers = request!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(request!.body, headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(request!.body, headers)).toBeTruthy();
    const secrets = (
      await http.inject(`/webhooks/endpoints/${endpoint.id}/secret`)
    ).json<unknown>();
    expect(secrets).toEqual({ secret, previous: [endpoint.secret] });
  });

  it('refuses a bad endpoint naming each field and rule, and stores nothing', async () => {
    const { http } = await start();
    const response = await http.inject({
      method: 'POST',
      url: '/webhooks/endpoints',
      payload: { url: 'ftp://example', eventTypes: ['identity.NoSuchEvent'], secret: 'short' },
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ code: string; issues: { path: string; rule: string }[] }>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['/url', 'format'],
      ['/eventTypes/0', 'enum'],
      ['/secret', 'pattern'],
    ]);
    const unknownField = await http.inject({
      method: 'POST',
      url: '/webhooks/endpoints',
      payload: { url: 'http://127.0.0.1:9/x', colour: 'red' },
    });
    expect(unknownField.json()).toMatchObject({
      issues: [{ path: '/colour', rule: 'additionalProperties' }],
    });
    expect((await http.inject('/webhooks/endpoints')).json()).toEqual({ endpoints: [] });
    const missing = await http.inject('/webhooks/endpoints/ep_nope/deliveries');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'WEBHOOK_ENDPOINT_NOT_FOUND' });
  });

  it('an endpoint removed stops receiving, its log and checkpoint gone', async () => {
    const { system, http } = await start();
    const target = await receiver();
    const endpoint = await register(http, { url: target.url });
    await registerUser(system, 'ada');
    await waitFor(
      () => target.received,
      (received) => received.length === 1,
    );
    const removed = await http.inject({
      method: 'DELETE',
      url: `/webhooks/endpoints/${endpoint.id}`,
    });
    expect(removed.statusCode).toBe(204);
    await registerUser(system, 'bob');
    await new Promise((settle) => setTimeout(settle, 500));
    expect(target.received).toHaveLength(1);
    expect(await system.engine.checkpoint(`effect:webhook:${endpoint.id}`)).toBeUndefined();
    await system.webhooks.refresh();
    expect(webhookErrors).toEqual([]);
    expect((await http.inject(`/webhooks/endpoints/${endpoint.id}`)).statusCode).toBe(404);
  });
}

describe('webhooks on PGlite', () => {
  webhookSuite('pglite');
});

describePostgres('webhooks on PostgreSQL', () => {
  webhookSuite('pg');
});
