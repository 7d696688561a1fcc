import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'query-key-0123456789abcdef';

describe('who may use the dashboard and /metrics, and from where', () => {
  let system: StrataSystem;
  let http: FastifyInstance;
  beforeAll(async () => {
    system = await createSystem({ app: devpie, driver: await memoryPgliteDriver() });
    await system.start();
    http = await buildGateway({
      system,
      apiKeys: [
        { name: 'ops', key: ADMIN, roles: ['admin'] },
        { name: 'app', key: READER, roles: ['query', 'command'] },
      ],
    });
  });
  afterAll(async () => {
    await http.close();
    await system.stop();
  });

  /** Logs in with `key`; the cookies the browser would send afterwards. */
  async function logIn(key: string) {
    const response = await http.inject({
      method: 'POST',
      url: '/dashboard/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ key }).toString(),
    });
    return response;
  }

  /** A page fetched with the login cookie: its form token and the cookies to post with. */
  async function session() {
    const login = await logIn(ADMIN);
    const keyCookie = String(login.headers['set-cookie']).split(';')[0]!;
    const pageResponse = await http.inject({
      url: '/dashboard/subscribers',
      headers: { cookie: keyCookie },
    });
    const csrfCookie = String(pageResponse.headers['set-cookie']).split(';')[0]!;
    const token = /name="csrf-token" content="([0-9a-f]+)"/.exec(pageResponse.body)![1]!;
    return { cookie: `${keyCookie}; ${csrfCookie}`, token };
  }

  const pause = (
    cookie: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    http.inject({
      method: 'POST',
      url: '/dashboard/subscribers/test.nothing/pause',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });

  it('sends a browser without a key to the login form, and admits an admin key only', async () => {
    const anonymous = await http.inject('/dashboard');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/dashboard/login');
    expect((await http.inject('/dashboard/login')).statusCode).toBe(200);

    const bearer = (key: string) =>
      http.inject({ url: '/dashboard', headers: { authorization: `Bearer ${key}` } });
    expect((await bearer(ADMIN)).statusCode).toBe(200);
    const reader = await bearer(READER);
    expect(reader.statusCode).toBe(403);
    expect(reader.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await bearer('not-a-key-at-all-0000')).statusCode).toBe(401);

    expect((await logIn(READER)).statusCode).toBe(401);
    const login = await logIn(ADMIN);
    expect(login.statusCode).toBe(303);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^strata_dashboard_key=.+; Path=\/dashboard; SameSite=Strict; HttpOnly/);
    const page = await http.inject({
      url: '/dashboard',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('serves /metrics to the admin role only', async () => {
    const metrics = (key?: string) =>
      http.inject({
        url: '/metrics',
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      });
    expect((await metrics()).statusCode).toBe(401);
    expect((await metrics(READER)).statusCode).toBe(403);
    const admitted = await metrics(ADMIN);
    expect(admitted.statusCode).toBe(200);
    expect(admitted.body).toContain('strata_subscriber_lag_events');
  });

  it('refuses an action without the form token, with a stale one, or from another site', async () => {
    const { cookie, token } = await session();
    expect((await pause(cookie, {})).statusCode).toBe(403);
    expect(
      (await pause(cookie, { _csrf: token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }))
        .statusCode,
    ).toBe(403);
    expect(
      (await pause(cookie, { _csrf: token }, { 'sec-fetch-site': 'cross-site' })).statusCode,
    ).toBe(403);
    expect(
      (await pause(cookie, { _csrf: token }, { origin: 'http://127.0.0.1:9' })).statusCode,
    ).toBe(403);
    expect(await system.engine.pauses()).toEqual([]);

    const done = await pause(cookie, { _csrf: token }, { 'sec-fetch-site': 'same-origin' });
    expect(done.statusCode).toBe(303);
    expect(await system.engine.pauses()).toEqual([
      expect.objectContaining({ subscriber: 'test.nothing' }),
    ]);
    await system.engine.resume('test.nothing');
  });

  it('names the field of a bad position, and moves nothing', async () => {
    const { cookie, token } = await session();
    for (const position of ['-1', 'abc', '1e3', '99999999999999999']) {
      const response = await http.inject({
        method: 'POST',
        url: '/dashboard/subscribers/test.nothing/reset',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, position }).toString(),
      });
      expect(response.statusCode, position).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_PARAMETER', parameter: 'position' });
    }
    const missing = await http.inject({
      method: 'POST',
      url: '/dashboard/subscribers/test.nothing/reset',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, position: '0' }).toString(),
    });
    expect(missing.statusCode).toBe(409);
    expect(missing.json()).toMatchObject({ code: 'SUBSCRIBER_NOT_PAUSED' });
  });
});
