import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway, type ApiKey, type GatewayOptions } from '../../src/http/index.js';
import { createPgliteDriver, type SqlDriver } from '../../src/store/index.js';

/** The admin key of the injected gateway: every role. */
export const ADMIN_KEY = 'admin-key-0123456789abcdef0';
const API_KEYS: ApiKey[] = [
  { name: 'admin', key: ADMIN_KEY, roles: ['command', 'query', 'admin'] },
  { name: 'reader', key: 'reader-key-0123456789abcdef', roles: ['query'] },
];

export interface InjectedGateway {
  readonly app: FastifyInstance;
  readonly system: StrataSystem;
  /** `app.inject` with the admin key, unless `options.headers.authorization` says otherwise. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Events in the log: a refused request must not change it. */
  countEvents(): Promise<number>;
}

export interface InjectedGatewayOptions {
  /** The system's database, given the in-memory PGlite driver a test may wrap. */
  readonly wrapDriver?: (driver: SqlDriver) => SqlDriver;
  readonly logger?: GatewayOptions['logger'];
}

/** The devpie system behind a gateway that is not listening: requests go through `inject`. */
export function useInjectedGateway(options: InjectedGatewayOptions = {}): () => InjectedGateway {
  let fixture: InjectedGateway | undefined;
  beforeAll(async () => {
    const driver = await createPgliteDriver();
    const system = await createSystem({
      app: devpie,
      driver: options.wrapDriver?.(driver) ?? driver,
    });
    await system.start();
    const app = await buildGateway({
      system,
      apiKeys: API_KEYS,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    fixture = {
      app,
      system,
      inject: (request) =>
        app.inject({
          ...request,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, ...request.headers },
        }),
      async countEvents() {
        const [row] = await system.store.driver.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM events',
        );
        return row?.count ?? 0;
      },
    };
  });
  afterAll(async () => {
    await fixture?.app.close();
    await fixture?.system.stop();
  });
  return () => {
    if (fixture === undefined) throw new Error('the gateway starts in beforeAll');
    return fixture;
  };
}
