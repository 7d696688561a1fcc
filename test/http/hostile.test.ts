import { describe, expect, it } from 'vitest';

import { useGateway } from './gateway-fixture.js';

describe('hostile input', () => {
  const gateway = useGateway();

  async function unchanged<T>(attempt: () => Promise<T>): Promise<T> {
    const before = await gateway().countEvents();
    const result = await attempt();
    expect(await gateway().countEvents()).toBe(before);
    return result;
  }

  it('answers malformed and truncated JSON with 400, never a crash', async () => {
    for (const body of ['{', '{"a":}', 'null', '[]', '"text"', '\u0000', '{"userId":"a"}}']) {
      const response = await unchanged(() =>
        gateway().request('POST', '/commands/identity.RegisterUser', { body }),
      );
      expect(response.status, body).toBe(400);
    }
    expect((await gateway().request('GET', '/health/live')).status).toBe(200);
  });

  it('answers deeply nested JSON with 400', async () => {
    for (const depth of [10_000, 300_000]) {
      const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const response = await unchanged(() =>
        gateway().request('POST', '/commands/identity.RegisterUser', { body }),
      );
      expect(response.status).toBe(400);
    }
    const nestedField = {
      userId: 'deep',
      email: 'deep@example.com',
      name: { a: { b: { c: {} } } },
    };
    expect(
      (await gateway().request('POST', '/commands/identity.RegisterUser', { json: nestedField }))
        .status,
    ).toBe(400);
  });

  it('refuses a 2 MiB body and a wrong content type', async () => {
    const huge = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    expect(
      (
        await unchanged(() =>
          gateway().request('POST', '/commands/identity.RegisterUser', { body: huge }),
        )
      ).status,
    ).toBe(413);
    const xml = await unchanged(() =>
      gateway().request('POST', '/commands/identity.RegisterUser', {
        body: '<user/>',
        headers: { 'content-type': 'application/xml' },
      }),
    );
    expect(xml.status).toBe(415);
  });

  it('refuses unknown fields', async () => {
    const response = await unchanged(() =>
      gateway().request('POST', '/commands/identity.RegisterUser', {
        json: {
          userId: 'eve',
          email: 'eve@example.com',
          name: 'Eve',
          isAdmin: true,
          __proto__: { x: 1 },
        },
      }),
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.issues)).toContain('/isAdmin');
  });

  it('refuses SQL and path traversal in ids, and stores them verbatim where text is free', async () => {
    for (const userId of [
      "ada'; DROP TABLE events; --",
      '../../etc/passwd',
      'ada\u0000',
      'a'.repeat(65),
    ]) {
      const response = await unchanged(() =>
        gateway().request('POST', '/commands/identity.RegisterUser', {
          json: { userId, email: 'x@example.com', name: 'X' },
        }),
      );
      expect(response.status, userId).toBe(400);
    }
    const name = "Robert'); DROP TABLE events; -- ../../etc/passwd";
    const created = await gateway().request('POST', '/commands/identity.RegisterUser', {
      json: { userId: 'bobby', email: 'bobby@example.com', name },
    });
    expect(created.status).toBe(200);
    const user = await gateway().request('GET', `/queries/identity.GetUser?userId=bobby`, {
      headers: { 'strata-min-position': String(created.body.position) },
    });
    expect(user.body.name).toBe(name);
    expect((await gateway().request('GET', '/streams/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect(
      (await gateway().request('POST', "/commands/x';DROP%20TABLE%20events;--", { json: {} }))
        .status,
    ).toBe(404);
    expect(
      (await gateway().request('GET', '/queries/identity.GetUser?userId=%27%20OR%201%3D1--'))
        .status,
    ).toBe(404);
  });

  it('refuses missing and wrong API keys, and a query key on a command', async () => {
    const json = { userId: 'mallory', email: 'mallory@example.com', name: 'Mallory' };
    const missing = await unchanged(() =>
      gateway().request('POST', '/commands/identity.RegisterUser', { json, key: null }),
    );
    expect(missing.status).toBe(401);
    const wrong = await unchanged(() =>
      gateway().request('POST', '/commands/identity.RegisterUser', {
        json,
        key: null,
        headers: { 'x-api-key': 'reader-key-0123456789abcdeX' },
      }),
    );
    expect(wrong.status).toBe(401);
    const readerOnCommand = await unchanged(() =>
      gateway().request('POST', '/commands/identity.RegisterUser', { json, key: 'reader' }),
    );
    expect(readerOnCommand.status).toBe(403);
    expect(
      (await gateway().request('GET', '/queries/identity.GetUser?userId=x', { key: 'writer' }))
        .status,
    ).toBe(403);
    expect((await gateway().request('GET', '/health/live', { key: null })).status).toBe(200);
  });

  it('puts a request id on every response', async () => {
    for (const path of ['/health/live', '/nowhere', '/openapi.json']) {
      const response = await gateway().request('GET', path, { key: null });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
