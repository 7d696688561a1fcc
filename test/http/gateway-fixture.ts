import { Type } from 'typebox';
import { afterAll, beforeAll } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, defineApp, type StrataSystem } from '../../src/app/index.js';
import { buildGateway, type ApiKey } from '../../src/http/index.js';
import { defineQuery } from '../../src/queries/index.js';
import { createPgliteDriver, type SqlDriver } from '../../src/store/index.js';

export const KEYS = {
  writer: 'writer-key-0123456789abcdef',
  reader: 'reader-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef0',
};

const apiKeys: ApiKey[] = [
  { name: 'writer', key: KEYS.writer, roles: ['command'] },
  { name: 'reader', key: KEYS.reader, roles: ['query'] },
  { name: 'admin', key: KEYS.admin, roles: ['command', 'query', 'admin'] },
];

/** A query whose handler fails with internals in its message: they must not leak. */
const Explode = defineQuery({
  name: 'test.Explode',
  params: Type.Object({}),
  result: Type.Object({}),
  projections: ['identity.users'],
  handler: () => Promise.reject(new Error('password=hunter2 at /srv/secret/handler.ts:42')),
});

export interface GatewayFixture {
  readonly url: string;
  readonly system: StrataSystem;
  /** Events in the log: a refused request must not change it. */
  countEvents(): Promise<number>;
  request(
    method: string,
    path: string,
    options?: {
      body?: string;
      json?: unknown;
      key?: keyof typeof KEYS | null;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
}

export interface GatewayFixtureOptions {
  /** The system's database; in-memory PGlite unless given. */
  readonly openDriver?: () => Promise<SqlDriver>;
}

/** The devpie system behind a gateway that listens on a free port. */
export function useGateway(options: GatewayFixtureOptions = {}): () => GatewayFixture {
  const { openDriver = () => createPgliteDriver() } = options;
  let fixture: GatewayFixture | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const system = await createSystem({
      app: defineApp({ ...devpie, queries: [...(devpie.queries ?? []), Explode] }),
      driver: await openDriver(),
    });
    await system.start();
    const gateway = await buildGateway({ system, apiKeys, consistencyTimeoutMs: 300 });
    const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await gateway.close();
      await system.stop();
    };
    fixture = {
      url,
      system,
      async countEvents() {
        const [row] = await system.store.driver.query<{ count: number }>(
          'SELECT count(*) AS count FROM events',
        );
        return row?.count ?? 0;
      },
      async request(method, path, options = {}) {
        const { key = 'admin', json, headers = {} } = options;
        const body = options.body ?? (json === undefined ? undefined : JSON.stringify(json));
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key === null ? {} : { authorization: `Bearer ${KEYS[key]}` }),
            ...headers,
          },
          ...(body === undefined ? {} : { body }),
        });
        const text = await response.text();
        return {
          status: response.status,
          headers: response.headers,
          body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        };
      },
    };
  });
  afterAll(async () => {
    await close?.();
  });
  return () => {
    if (fixture === undefined) throw new Error('the gateway starts in beforeAll');
    return fixture;
  };
}
