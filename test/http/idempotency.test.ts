import { afterAll, describe, expect, it } from 'vitest';

import { createPgDriver } from '../../src/store/index.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { useGateway, type GatewayFixture } from './gateway-fixture.js';

function concurrentRepeats(gateway: () => GatewayFixture): void {
  it('answers 100 concurrent sends of one Idempotency-Key alike, appending once', async () => {
    const before = await gateway().countEvents();
    const userId = `u-${crypto.randomUUID()}`;
    const json = { userId, email: `${userId}@example.com`, name: 'Ada' };
    const headers = { 'idempotency-key': `register-${userId}` };
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        gateway().request('POST', '/commands/identity.RegisterUser', { json, headers }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
    const [first] = responses.filter((response) => !response.headers.has('idempotent-replayed'));
    expect(
      responses.filter((response) => response.headers.has('idempotent-replayed')),
    ).toHaveLength(99);
    for (const response of responses) expect(response.body).toEqual(first!.body);
    expect(await gateway().countEvents()).toBe(before + 1);
  });

  it('treats the same fields in another order as a repeat of the same command', async () => {
    const userId = `u-${crypto.randomUUID()}`;
    const headers = { 'idempotency-key': `register-${userId}` };
    const email = `${userId}@example.com`;
    const path = '/commands/identity.RegisterUser';
    const first = await gateway().request('POST', path, {
      headers,
      body: JSON.stringify({ userId, email, name: 'Ada' }),
    });
    const repeat = await gateway().request('POST', path, {
      headers,
      body: JSON.stringify({ name: 'Ada', email, userId }),
    });
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.body).toEqual(first.body);
  });
}

describe('idempotent commands over HTTP on PGlite', () => {
  concurrentRepeats(useGateway());
});

describePostgres('idempotent commands over HTTP on PostgreSQL', () => {
  const schema = uniqueSchemaName();
  // Registered before the gateway's hooks, so it runs after the gateway has closed.
  afterAll(() => dropSchema(schema));
  concurrentRepeats(
    useGateway({
      openDriver: () =>
        Promise.resolve(createPgDriver({ connectionString: TEST_DATABASE_URL, schema })),
    }),
  );
});
