import { describe, expect, it } from 'vitest';

import { useGateway } from './gateway-fixture.js';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('errors over HTTP, one per class, each writing nothing', () => {
  const gateway = useGateway();

  /** Sends a command and checks the problem it gets back, and that the log did not change. */
  async function refusedCommand(
    name: string,
    options: Parameters<ReturnType<typeof gateway>['request']>[2],
    status: number,
    code: string,
  ) {
    const before = await gateway().countEvents();
    const response = await gateway().request('POST', `/commands/${name}`, options);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({ status, code });
    expect(response.body.instance).toBe(response.headers.get('x-request-id'));
    expect(await gateway().countEvents()).toBe(before);
    return response.body;
  }

  it('400: names every failing field by path with its rule', async () => {
    const problem = await refusedCommand(
      'identity.RegisterUser',
      { json: { userId: '', email: 'not-an-email', colour: 'red' } },
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/userId', rule: 'minLength' }),
        expect.objectContaining({ path: '/email', rule: 'format' }),
        expect.objectContaining({ path: '/name', rule: 'required' }),
        expect.objectContaining({ path: '/colour', rule: 'additionalProperties' }),
      ]),
    );
  });

  it('400: malformed JSON', async () => {
    await refusedCommand(
      'identity.RegisterUser',
      { body: '{"userId": "ada",' },
      400,
      'MALFORMED_JSON',
    );
  });

  it('401: no API key, or a wrong one', async () => {
    const json = { userId: 'ada', email: 'ada@example.com', name: 'Ada' };
    await refusedCommand('identity.RegisterUser', { json, key: null }, 401, 'UNAUTHENTICATED');
    await refusedCommand(
      'identity.RegisterUser',
      { json, key: null, headers: { authorization: 'Bearer not-a-real-key-at-all' } },
      401,
      'UNAUTHENTICATED',
    );
  });

  it('403: a key without the role', async () => {
    const json = { userId: 'ada', email: 'ada@example.com', name: 'Ada' };
    await refusedCommand('identity.RegisterUser', { json, key: 'reader' }, 403, 'FORBIDDEN');
    const streams = await gateway().request('GET', '/streams/user-ada', { key: 'writer' });
    expect(streams.status).toBe(403);
  });

  it('404: unknown command, query, stream and route', async () => {
    await refusedCommand('identity.Nope', { json: {} }, 404, 'UNKNOWN_MESSAGE');
    expect((await gateway().request('GET', '/queries/identity.Nope')).body).toMatchObject({
      status: 404,
    });
    expect((await gateway().request('GET', '/streams/user-nobody')).body).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await gateway().request('GET', '/nowhere')).status).toBe(404);
  });

  it('409: a stale If-Match, with the expected and actual versions', async () => {
    const registered = await gateway().request('POST', '/commands/identity.RegisterUser', {
      json: { userId: 'grace', email: 'grace@example.com', name: 'Grace' },
    });
    expect(registered.status).toBe(200);
    const problem = await refusedCommand(
      'identity.ChangeEmail',
      { json: { userId: 'grace', email: 'hopper@example.com' }, headers: { 'if-match': '"0"' } },
      409,
      'CONCURRENCY_CONFLICT',
    );
    expect(problem).toMatchObject({ streamId: 'user-grace', expected: 0, actual: 1 });
  });

  it('409: an idempotency key reused for another command; a true repeat replays', async () => {
    const json = { userId: 'alan', email: 'alan@example.com', name: 'Alan' };
    const headers = { 'idempotency-key': 'register-alan' };
    const first = await gateway().request('POST', '/commands/identity.RegisterUser', {
      json,
      headers,
    });
    const before = await gateway().countEvents();
    const repeat = await gateway().request('POST', '/commands/identity.RegisterUser', {
      json,
      headers,
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(await gateway().countEvents()).toBe(before);
    await refusedCommand(
      'identity.RegisterUser',
      { json: { ...json, name: 'Someone else' }, headers },
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('413: a body over the limit', async () => {
    const body = JSON.stringify({
      userId: 'big',
      email: 'big@example.com',
      name: 'x'.repeat(2 * 1024 * 1024),
    });
    await refusedCommand('identity.RegisterUser', { body }, 413, 'BODY_TOO_LARGE');
  });

  it('415: a body that is not JSON', async () => {
    await refusedCommand(
      'identity.RegisterUser',
      { body: 'userId=ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('409: a duplicate e-mail names the unique constraint and the value, not the owner', async () => {
    await gateway().request('POST', '/commands/identity.RegisterUser', {
      json: { userId: 'edsger', email: 'edsger@example.com', name: 'Edsger' },
    });
    const problem = await refusedCommand(
      'identity.RegisterUser',
      { json: { userId: 'other', email: 'EDSGER@example.com', name: 'Other' } },
      409,
      'UNIQUE_VALUE_TAKEN',
    );
    expect(problem).toMatchObject({
      type: 'https://strata.dev/problems/unique-value-taken',
      scope: 'identity.unique-email',
      value: 'edsger@example.com',
    });
    expect(JSON.stringify(problem)).not.toMatch(/user-edsger/);
  });

  it('422: a business rejection with its own code and message', async () => {
    await gateway().request('POST', '/commands/identity.RegisterUser', {
      json: { userId: 'barbara', email: 'barbara@example.com', name: 'Barbara' },
    });
    const problem = await refusedCommand(
      'identity.RegisterUser',
      { json: { userId: 'barbara', email: 'liskov@example.com', name: 'Barbara' } },
      422,
      'USER_EXISTS',
    );
    expect(problem.detail).toBe('User barbara is registered already');
    const owner = await refusedCommand(
      'projects.CreateProject',
      { json: { projectId: 'orphan', ownerId: 'nobody', name: 'Orphan' } },
      422,
      'OWNER_NOT_FOUND',
    );
    expect(owner.type).toMatch(/domain-rejected/);
  });

  it('503: a read-your-writes wait that times out names the projection', async () => {
    const { system } = gateway();
    const added = await gateway().request('POST', '/commands/identity.RegisterUser', {
      json: { userId: 'late', email: 'late@example.com', name: 'Late' },
    });
    await system.engine.stop();
    try {
      const created = await gateway().request('POST', '/commands/projects.CreateProject', {
        json: { projectId: 'late', ownerId: 'late', name: 'Late' },
      });
      expect(added.status).toBe(200);
      const response = await gateway().request(
        'GET',
        '/queries/projects.GetProject?projectId=late',
        {
          headers: { 'strata-min-position': String(created.body.position) },
        },
      );
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        code: 'CONSISTENCY_TIMEOUT',
        projection: 'projects.detail',
      });
    } finally {
      system.engine.start();
    }
  });

  it('500: a failing handler, without its internals', async () => {
    const response = await gateway().request('GET', '/queries/test.Explode');
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(JSON.stringify(response.body)).not.toMatch(/hunter2|secret|handler\.ts/);
  });
});
