import { describe, expect, it } from 'vitest';

import { ADMIN_KEY, useInjectedGateway } from './inject-fixture.js';

describe('authentication over HTTP', () => {
  const gateway = useInjectedGateway();
  const command = (headers: Record<string, string>, payload: string) =>
    gateway().inject({ method: 'POST', url: '/commands/identity.RegisterUser', headers, payload });

  it('answers before reading the body: 401 whatever the body, with a WWW-Authenticate challenge', async () => {
    const anonymous = { authorization: '' };
    for (const [headers, payload] of [
      [{ 'content-type': 'application/json' }, '{"userId":'],
      [{ 'content-type': 'application/json' }, `{"blob":"${'x'.repeat(2 * 1024 * 1024)}"}`],
      [{ 'content-type': 'application/xml' }, '<user/>'],
      [{ 'content-type': 'application/json', authorization: 'Bearer not-a-key-at-all' }, '{'],
    ] as const) {
      const before = await gateway().countEvents();
      const response = await command({ ...anonymous, ...headers }, payload);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="strata"');
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await gateway().countEvents()).toBe(before);
    }
  });

  it('refuses a key without the role before reading the body', async () => {
    const response = await command(
      { 'content-type': 'application/json', authorization: 'Bearer reader-key-0123456789abcdef' },
      '{"userId":',
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN', role: 'command' });
  });

  it('reads a key from Authorization: Bearer only, not from X-Api-Key', async () => {
    const payload = '{"userId":"xkey","email":"xkey@example.com","name":"X"}';
    const viaHeader = await command(
      { 'content-type': 'application/json', authorization: '', 'x-api-key': ADMIN_KEY },
      payload,
    );
    expect(viaHeader.statusCode).toBe(401);
    const viaBearer = await command({ 'content-type': 'application/json' }, payload);
    expect(viaBearer.statusCode).toBe(200);
  });

  it('guards queries and the log the same way', async () => {
    for (const url of ['/queries/identity.GetUser?userId=x', '/events', '/streams/user-x']) {
      const response = await gateway().inject({
        method: 'GET',
        url,
        headers: { authorization: '' },
      });
      expect(response.statusCode, url).toBe(401);
      expect(response.headers['www-authenticate'], url).toBe('Bearer realm="strata"');
    }
  });
});
