import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, expect } from 'vitest';

import { startNatsServer, type TestNatsServer } from './nats-server.js';
import { startServer, type ServerProcess } from './strata-process.js';

/** The services `npm run start:services` runs, in its order. */
const SERVICES = ['identity', 'projects', 'estimation'] as const;
export type Service = (typeof SERVICES)[number];

/** The app module of `service`, from source. */
export const appOf = (service: Service) =>
  fileURLToPath(new URL(`../../examples/devpie-services/${service}.ts`, import.meta.url));

/** How one service reaches its store: `strata serve` arguments and environment. */
export interface ServiceStoreSettings {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Where the services keep their events: made before they start, removed after they stop. */
export interface ServicesStore {
  /** Makes the store; resolves with each service's settings. */
  open(): Promise<(service: Service) => ServiceStoreSettings>;
  remove(): Promise<void>;
}

/** PGlite in a temporary directory, a data dir per service (start:services without DATABASE_URL). */
export function pgliteStore(): ServicesStore {
  let dataDir: string | undefined;
  return {
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'strata-services-'));
      dataDir = dir;
      return (service) => ({ args: ['--data-dir', path.join(dir, service)], env: {} });
    },
    async remove() {
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The running services of a suite, and the nats-server of its own they share. */
export interface DevpieServices {
  readonly nats: () => TestNatsServer;
  readonly urlOf: (service: Service) => string;
}

/**
 * Before the suite's tests, starts a nats-server of its own and the three services on `store`;
 * after them, stops the services (each must exit with code 0), the server, and removes the store.
 */
export function useDevpieServices(store: ServicesStore): DevpieServices {
  let nats: TestNatsServer | undefined;
  const servers = new Map<Service, ServerProcess>();

  beforeAll(async () => {
    const [server, settingsOf] = await Promise.all([startNatsServer(), store.open()]);
    nats = server;
    // Projects and Estimation read each other's streams: started together, each waits for
    // the other's stream to appear.
    await Promise.all(
      SERVICES.map(async (service) => {
        const { args, env } = settingsOf(service);
        const started = await startServer(['--app', appOf(service), ...args], {
          NATS_URL: server.url,
          ...env,
        });
        servers.set(service, started);
      }),
    );
  }, 60_000);

  afterAll(async () => {
    try {
      const codes = await Promise.all([...servers.values()].map((server) => server.stop()));
      expect(codes).toEqual(SERVICES.map(() => 0));
    } finally {
      await nats?.destroy();
      await store.remove();
    }
  });

  return {
    nats() {
      if (nats === undefined) throw new Error('the nats-server starts in beforeAll');
      return nats;
    },
    urlOf(service) {
      const server = servers.get(service);
      if (server === undefined) throw new Error(`the ${service} service starts in beforeAll`);
      return server.url;
    },
  };
}
