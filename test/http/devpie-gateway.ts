import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgliteDriver } from '../../src/store/index.js';

/** The devpie gateway over in-memory PGlite, started, not listening (`inject`). */
export interface DevpieGateway {
  readonly app: FastifyInstance;
  readonly system: StrataSystem;
  /** The document the gateway serves at `/openapi.json`. */
  readonly document: () => Promise<OpenApiDocument>;
}

/** The parts of an OpenAPI document the tests read. */
export interface OpenApiDocument {
  readonly info: { readonly license?: { readonly name: string } };
  readonly servers?: readonly { readonly url: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}

/** An operation of the document. */
export interface Operation {
  readonly parameters?: readonly {
    readonly name: string;
    readonly in: string;
    readonly schema: Record<string, unknown>;
  }[];
  readonly responses: Readonly<
    Record<
      string,
      {
        readonly headers?: Record<string, unknown>;
        readonly content?: Record<string, { readonly schema: unknown }>;
      }
    >
  >;
}

/** Builds the gateway before the suite's tests and closes it after. */
export function useDevpieGateway(): () => DevpieGateway {
  let gateway: DevpieGateway | undefined;
  beforeAll(async () => {
    const system = await createSystem({ app: devpie, driver: await createPgliteDriver() });
    await system.start();
    const app = await buildGateway({ system, consistencyTimeoutMs: 300 });
    gateway = {
      app,
      system,
      document: async () => {
        const response = await app.inject({ method: 'GET', url: '/openapi.json' });
        return response.json<OpenApiDocument>();
      },
    };
  });
  afterAll(async () => {
    await gateway?.app.close();
    await gateway?.system.stop();
  });
  return () => {
    if (gateway === undefined) throw new Error('the gateway is built in beforeAll');
    return gateway;
  };
}
