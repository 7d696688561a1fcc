import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, expect } from 'vitest';

import { readUntil } from './async.js';
import { startNatsServer, type TestNatsServer } from './nats-server.js';
import { createFreshDatabase, dropDatabase, type FreshDatabase } from './postgres.js';
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

/**
 * A fresh PostgreSQL database, each service in the schema named after it (start:services with
 * DATABASE_URL); the database is dropped at the end, so the fixed schema names never collide.
 */
export function postgresStore(): ServicesStore & { readonly database: () => FreshDatabase } {
  let database: FreshDatabase | undefined;
  return {
    async open() {
      const fresh = await createFreshDatabase('strata_services');
      database = fresh;
      return (service) => ({ args: ['--schema', service], env: { DATABASE_URL: fresh.url } });
    },
    async remove() {
      if (database !== undefined) await dropDatabase(database.name);
    },
    database() {
      if (database === undefined) throw new Error('the database is created in beforeAll');
      return database;
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

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const post = async (url: string, command: string, body: unknown) =>
  answer(
    await fetch(`${url}/commands/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

const query = async (url: string, name: string, params: Record<string, string>) =>
  answer(await fetch(`${url}/queries/${name}?${new URLSearchParams(params).toString()}`));

/** Until the query answers 200 with a body that `done` accepts. */
const untilAnswered = (
  url: string,
  name: string,
  params: Record<string, string>,
  done: (body: Record<string, unknown>) => boolean = () => true,
) =>
  readUntil(
    () => query(url, name, params),
    ({ status, body }) => status === 200 && done(body),
  );

/**
 * The README's session across the three services: Ada registers with Identity, creates a project
 * and adds a task in Projects, estimates it in Estimation, and the estimate comes back to Projects;
 * each service learns of the others' events only over the bus.
 */
export async function runReadmeSession(urlOf: (service: Service) => string): Promise<void> {
  const [identity, projects, estimation] = SERVICES.map(urlOf) as [string, string, string];
  const registered = await post(identity, 'identity.RegisterUser', {
    userId: 'ada',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
  });
  expect(registered).toMatchObject({ status: 200, body: { streamId: 'user-ada', version: 1 } });

  // Projects has no Identity of its own: its replica of users fills from the bus.
  const stranger = await post(projects, 'projects.CreateProject', {
    projectId: 'hermes',
    ownerId: 'bob',
    name: 'Hermes',
  });
  expect(stranger).toMatchObject({ status: 422, body: { code: 'OWNER_NOT_FOUND' } });
  await untilAnswered(projects, 'identity.GetUser', { userId: 'ada' });
  const created = await post(projects, 'projects.CreateProject', {
    projectId: 'apollo',
    ownerId: 'ada',
    name: 'Apollo',
  });
  expect(created).toMatchObject({ status: 200, body: { streamId: 'project-apollo' } });
  const added = await post(projects, 'projects.AddTask', {
    projectId: 'apollo',
    taskId: 'design',
    title: 'Design the lander',
  });
  expect(added).toMatchObject({ status: 200, body: { version: 2 } });

  // Estimation opens the estimation from `projects.TaskAdded` received from NATS, and checks
  // the task against its own replica of the projects.
  const task = { projectId: 'apollo', taskId: 'design' };
  const opened = await untilAnswered(estimation, 'estimation.GetEstimate', task);
  expect(opened.body).toMatchObject({ ...task, points: null });
  await untilAnswered(estimation, 'projects.GetProject', { projectId: 'apollo' }, (body) =>
    JSON.stringify(body.tasks).includes('"design"'),
  );
  const estimated = await post(estimation, 'estimation.EstimateTask', { ...task, points: 8 });
  expect(estimated).toMatchObject({
    status: 200,
    body: { streamId: 'estimation-apollo.design', version: 2 },
  });
  expect(estimated.body.events).toEqual([
    expect.objectContaining({ type: 'estimation.TaskEstimated' }),
  ]);

  // And the estimate comes back to Projects over the bus.
  const project = await untilAnswered(
    projects,
    'projects.GetProject',
    { projectId: 'apollo' },
    (body) => body.totalEstimate === 8,
  );
  expect(project.body).toMatchObject({
    ownerId: 'ada',
    tasks: [{ taskId: 'design', title: 'Design the lander', status: 'open', estimate: 8 }],
  });
}
