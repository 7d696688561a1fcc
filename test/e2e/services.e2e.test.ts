import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import { untilExit } from '../support/child-process.js';
import { buildGoProgram, describeWithGo } from '../support/go-toolchain.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { freePort, startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { runStrata, startServer, type ServerProcess } from '../support/strata-process.js';

const SERVICES = ['identity', 'projects', 'estimation'] as const;
type Service = (typeof SERVICES)[number];
const appOf = (service: Service) =>
  fileURLToPath(new URL(`../../examples/devpie-services/${service}.ts`, import.meta.url));
const START_SERVICES = fileURLToPath(new URL('../../scripts/start-services.js', import.meta.url));
const GO_SUBSCRIBER = fileURLToPath(new URL('../../examples/go-subscriber', import.meta.url));

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

describeWithNats('devpie as three services integrated over the bus', () => {
  let nats: TestNatsServer;
  let dataDir: string;
  const servers = new Map<Service, ServerProcess>();
  const urlOf = (service: Service) => servers.get(service)!.url;

  beforeAll(async () => {
    [nats, dataDir] = await Promise.all([
      startNatsServer(),
      mkdtemp(path.join(tmpdir(), 'strata-services-')),
    ]);
    // Projects and Estimation read each other's streams: started together, each waits for
    // the other's stream to appear.
    await Promise.all(
      SERVICES.map(async (service) => {
        const server = await startServer(
          ['--app', appOf(service), '--data-dir', path.join(dataDir, service)],
          { NATS_URL: nats.url },
        );
        servers.set(service, server);
      }),
    );
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all([...servers.values()].map((server) => server.stop()));
    await nats.destroy();
    await rm(dataDir, { recursive: true, force: true });
    expect(codes).toEqual(SERVICES.map(() => 0));
  });

  it('runs the README session across the three ports', async () => {
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
  });

  describeWithGo('with the Go subscriber', () => {
    it("prints Identity's UserRegistered event from the Identity stream", async () => {
      const buildDir = await mkdtemp(path.join(tmpdir(), 'strata-go-'));
      try {
        const binary = path.join(buildDir, 'go-subscriber');
        await buildGoProgram(GO_SUBSCRIBER, binary);
        const args = ['-server', nats.url, '-subject', 'strata.identity.>', '-durable', 'go'];
        const child = spawn(binary, [...args, '-count', '1'], { stdio: 'pipe' });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        expect(await untilExit(child, 20_000), stderr).toBe(0);
        expect(stdout).toMatch(
          /^1 identity\.UserRegistered\.v1 id=\S+ stream=user-ada@1: user ada registered as ada@example\.com \(Ada Lovelace\)/,
        );
      } finally {
        await rm(buildDir, { recursive: true, force: true });
      }
    }, 180_000);
  });
});

describe('devpie as three services without NATS', () => {
  it('npm run start:services says it needs NATS and exits with code 1', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, [START_SERVICES], {
      env: { ...process.env, NATS_URL: url },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await untilExit(child, 20_000)).toBe(1);
    expect(stderr).toContain(`start:services needs NATS: no server answers at ${url}`);
  });

  it('a service that consumes from the bus refuses to start without NATS_URL', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-services-'));
    try {
      const args = ['serve', '--app', appOf('projects'), '--data-dir', dataDir, '--port', '0'];
      const { code, stderr } = await runStrata(args);
      expect(code).toBe(1);
      expect(stderr).toMatch(/consumes from the bus \(replica of identity, .*\): set NATS_URL/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
