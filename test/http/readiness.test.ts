import { describe, expect, it } from 'vitest';

import { useInjectedGateway } from './inject-fixture.js';

/** What a driver may say when it fails: hosts, users, paths. Nobody asking may read it. */
const DRIVER_WORDS = 'password authentication failed for user "strata_owner" at db.internal:5432';

describe('readiness when the database fails in a way of its own', () => {
  let failing = false;
  const logLines: string[] = [];
  const gateway = useInjectedGateway({
    wrapDriver: (driver) =>
      new Proxy(driver, {
        get(target, property, receiver) {
          if (property === 'transaction' && failing) {
            return () => Promise.reject(new Error(DRIVER_WORDS));
          }
          return Reflect.get(target, property, receiver) as unknown;
        },
      }),
    logger: {
      level: 'warn',
      stream: {
        write: (line: string) => {
          logLines.push(line);
        },
      },
    },
  });

  it('answers 503 without the driver text, and logs that text', async () => {
    failing = true;
    try {
      const ready = await gateway().inject({
        method: 'GET',
        url: '/health/ready',
        headers: { authorization: '' },
      });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'NOT_READY', reason: 'unreachable' });
      expect(ready.body).not.toMatch(/password|strata_owner|db\.internal/);
      const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({
          reqId: ready.headers['x-request-id'],
          reason: 'unreachable',
          err: expect.objectContaining({ message: DRIVER_WORDS }) as unknown,
        }),
      );
    } finally {
      failing = false;
    }
    const again = await gateway().inject({ method: 'GET', url: '/health/ready' });
    expect(again.statusCode).toBe(200);
  });
});
