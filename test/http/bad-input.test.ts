import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';

import { useInjectedGateway } from './inject-fixture.js';

/** Checks `response` is the problem document `status`/`code` with its request id, and returns it. */
function problemOf(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<Record<string, unknown>>();
  expect(problem).toMatchObject({ status, code });
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(problem.instance).toBe(response.headers['x-request-id']);
  return problem;
}

const json = { 'content-type': 'application/json' };

/** Writes `request` on a fresh connection and resolves with everything the server answers. */
function rawExchange(port: number, request: string) {
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end(request);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', reject).on('close', () => {
      resolve(answer);
    });
  });
}

/** `GET path` sent as is: `fetch` and `inject` would resolve its dot segments first. */
function rawGet(port: number, path: string) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => {
        const type = response.headers['content-type'] ?? '';
        resolve({ status: response.statusCode ?? 0, type, body });
      });
    });
    request.on('error', reject).end();
  });
}

describe('bad input over HTTP: a 4xx problem naming what is wrong, never a 500', () => {
  const gateway = useInjectedGateway();
  const get = (url: string) => gateway().inject({ method: 'GET', url });
  const register = (payload: string | Buffer) =>
    gateway().inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      headers: json,
      payload,
    });

  it('refuses a NUL byte in a query parameter, naming the parameter', async () => {
    for (const [url, parameter] of [
      ['/queries/projects.GetProject?projectId=%00', 'projectId'],
      ['/queries/identity.GetUser?userId=ada%00lovelace', 'userId'],
      ['/events?types=%00', 'types'],
      ['/events?categories=user&categories=%00', 'categories'],
    ] as const) {
      expect(problemOf(await get(url), 400, 'INVALID_PARAMETER'), url).toMatchObject({
        parameter,
      });
    }
  });

  it('refuses an offset too large to be exact on a paged query, naming it', async () => {
    for (const offset of ['100000000000000000000', '9223372036854775807']) {
      const url = `/queries/projects.ListProjectsByOwner?ownerId=ada&offset=${offset}`;
      expect(problemOf(await get(url), 400, 'INVALID_PARAMETER')).toMatchObject({
        parameter: 'offset',
      });
    }
    const paged = await get('/queries/projects.ListProjectsByOwner?ownerId=ada&offset=5');
    expect(paged.statusCode).toBe(200);
  });

  it('GET /events?after= takes the cursor from `next` or a plain position', async () => {
    const first = await register('{"userId":"after1","email":"a1@example.com","name":"A1"}');
    const second = await register('{"userId":"after2","email":"a2@example.com","name":"A2"}');
    const [p1, p2] = [first, second].map((r) => r.json<{ position: number }>().position);

    const byPosition = await get(`/events?after=${p1}&limit=1`);
    expect(byPosition.statusCode).toBe(200);
    expect(byPosition.json()).toMatchObject({ events: [{ globalPosition: p2 }] });

    const firstPage = await get(`/events?after=${p1! - 1}&limit=1`);
    const { next } = firstPage.json<{ next: string }>();
    const byCursor = await get(`/events?after=${next}&limit=1`);
    expect(byCursor.json()).toEqual(byPosition.json());

    const fromStart = await get('/events?after=0&limit=1');
    expect(fromStart.json()).toMatchObject({ events: [{ globalPosition: 1 }] });
  });

  it('GET /events?after= answers anything else with a 400 naming `after` and what it expects', async () => {
    for (const after of [
      '99999999999999999999-99999999999999999999',
      `00000000000000000001-09223372036854775808`,
      '9223372036854775807',
      'yesterday',
      '-1',
    ]) {
      const problem = problemOf(await get(`/events?after=${after}`), 400, 'INVALID_PARAMETER');
      expect(problem, after).toMatchObject({ parameter: 'after' });
      expect(problem.detail).toMatch(/cursor.*position/);
    }
    expect(problemOf(await get('/events?after=987654'), 400, 'UNKNOWN_POSITION')).toMatchObject({
      parameter: 'after',
      position: 987654,
    });
  });

  it('GET /events takes repeated types as a list, and refuses a repeated limit', async () => {
    await register('{"userId":"types1","email":"t1@example.com","name":"T1"}');
    const listed = await get(
      '/events?types=identity.UserRegistered&types=nobody.Nothing&limit=1000',
    );
    expect(listed.statusCode).toBe(200);
    const types = listed.json<{ events: { type: string }[] }>().events.map((event) => event.type);
    expect(types).toContain('identity.UserRegistered');
    expect(new Set(types)).toEqual(new Set(['identity.UserRegistered']));
    const commaListed = await get(
      '/events?types=identity.UserRegistered,nobody.Nothing&limit=1000',
    );
    expect(commaListed.json()).toEqual(listed.json());

    expect(problemOf(await get('/events?limit=1&limit=2'), 400, 'INVALID_PARAMETER')).toMatchObject(
      { parameter: 'limit' },
    );
  });

  it('refuses a lone surrogate or a NUL in a command field, naming its JSON pointer, writing nothing', async () => {
    const before = await gateway().countEvents();
    for (const [name, rule] of [
      ['bad \\ud800 x', /surrogate/],
      ['bad \\udc00', /surrogate/],
      ['bad \\u0000 x', /NUL/],
    ] as const) {
      const body = `{"userId":"lone","email":"lone@example.com","name":"${name}"}`;
      const problem = problemOf(await register(body), 400, 'VALIDATION_FAILED');
      expect(problem.issues).toEqual([
        { path: '/name', rule: 'storableText', message: expect.stringMatching(rule) as unknown },
      ]);
    }
    // A pair is one character, and stored as sent.
    const paired = await register(
      '{"userId":"pair","email":"pair@example.com","name":"\\ud83d\\ude00"}',
    );
    expect(paired.statusCode).toBe(200);
    expect(await gateway().countEvents()).toBe(before + 1);
  });

  it('refuses a body that is not UTF-8, instead of storing replacement characters', async () => {
    const before = await gateway().countEvents();
    const body = Buffer.concat([
      Buffer.from('{"userId":"latin","email":"latin@example.com","name":"Ren'),
      Buffer.from([0xe9]), // "é" in Latin-1
      Buffer.from('e"}'),
    ]);
    const problem = problemOf(await register(body), 400, 'MALFORMED_JSON');
    expect(problem.detail).toMatch(/UTF-8/);
    expect(await gateway().countEvents()).toBe(before);
  });

  it("answers Fastify's own refusals as problem documents with the request id", async () => {
    problemOf(await get(`/streams/${'a'.repeat(201)}`), 414, 'URI_TOO_LONG');
    problemOf(await get('/streams/%E0%A4%A'), 400, 'INVALID_URL');
    problemOf(await get('/nowhere'), 404, 'NOT_FOUND');
  });

  it('reads back over HTTP every stream id the store accepts', async () => {
    const { system } = gateway();
    const ids = [
      'a'.repeat(200),
      `é${'😀'.repeat(99)}`, // 199 UTF-16 units, 397 bytes of UTF-8
      'path/like/../id?with=query#and%20escapes',
      '...',
      ' spaced ; semi ',
    ];
    for (const id of ids) {
      // The store's own check of the id (it throws for one it refuses); the event is of a type
      // no projection handles, so nothing else reacts to it.
      expect(await system.store.streamVersion(id)).toBe(0);
      await system.store.driver.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
         VALUES ($1, $2, 1, 'legacy.Noted', 1, $3, '{}')`,
        [crypto.randomUUID(), id, JSON.stringify({ id })],
      );
      const response = await get(`/streams/${encodeURIComponent(id)}`);
      expect(response.statusCode, id).toBe(200);
      expect(response.json()).toMatchObject({
        streamId: id,
        version: 1,
        events: [{ data: { id } }],
      });
    }
  });

  /** The port of the gateway, listening from the first call on: for requests sent as is. */
  async function port(): Promise<number> {
    const { app } = gateway();
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  }

  it('does not serve /docs/static/../../package.json (the path sent as is)', async () => {
    for (const path of [
      '/docs/static/../../package.json',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f..%2fpackage.json',
    ]) {
      const response = await rawGet(await port(), path);
      expect(response.status, path).toBe(404);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toMatch(/"devDependencies"/);
      expect(response.body, path).not.toMatch(/Forbidden/);
    }
  });

  it('answers a request that is not HTTP, or whose headers are too large, with a problem document', async () => {
    for (const [request, status, code] of [
      ['HELLO THERE\r\n\r\n', 400, 'BAD_REQUEST'],
      [
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
    ] as const) {
      const answer = await rawExchange(await port(), request);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head).toMatch(/\r\nContent-Type: application\/problem\+json/i);
      const requestId = /\r\nX-Request-Id: ([0-9a-f-]{36})/i.exec(head)?.[1];
      expect(requestId).toBeDefined();
      expect(JSON.parse(body)).toMatchObject({ status, code, instance: requestId });
    }
  });
});
