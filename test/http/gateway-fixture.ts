import type { InjectOptions } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, defineApp, type StrataSystem } from '../../src/app/index.js';
import { buildGateway, type ApiKey } from '../../src/http/index.js';
import { defineQuery } from '../../src/queries/index.js';
import type { SqlDriver } from '../../src/store/index.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';

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

/** Response headers as `fetch` gives them. */
function headersOf(raw: Record<string, string | string[] | number | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of [value ?? []].flat()) headers.append(name, String(one));
  }
  return headers;
}

/**
 * The devpie system behind a gateway, requested in-process with `inject()`: these suites are
 * about what the gateway answers, not about sockets (the end-to-end suite serves for real).
 */
export function useGateway(options: GatewayFixtureOptions = {}): () => GatewayFixture {
  const { openDriver = () => memoryPgliteDriver() } = options;
  let fixture: GatewayFixture | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const system = await createSystem({
      app: defineApp({ ...devpie, queries: [...(devpie.queries ?? []), Explode] }),
      driver: await openDriver(),
    });
    await system.start();
    const gateway = await buildGateway({ system, apiKeys, consistencyTimeoutMs: 300 });
    close = async () => {
      await gateway.close();
      await system.stop();
    };
    fixture = {
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
        const response = await gateway.inject({
          method: method as InjectOptions['method'],
          url: path,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key === null ? {} : { authorization: `Bearer ${KEYS[key]}` }),
            ...headers,
          },
          ...(body === undefined ? {} : { payload: body }),
        });
        return {
          status: response.statusCode,
          headers: headersOf(response.headers),
          body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
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
