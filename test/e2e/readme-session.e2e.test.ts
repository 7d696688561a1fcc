import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/strata-process.js';

/** The README's curl session, step by step, against a running server. */
async function readmeSession(url: string) {
  const post = async (command: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/commands/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const registered = await post('identity.RegisterUser', {
    userId: 'ada',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
  });
  expect(registered.status).toBe(200);
  expect(registered.body).toMatchObject({
    streamId: 'user-ada',
    version: 1,
    events: [{ type: 'identity.UserRegistered' }],
  });

  const created = await post('projects.CreateProject', {
    projectId: 'apollo',
    ownerId: 'ada',
    name: 'Apollo',
  });
  expect(created.body).toMatchObject({ streamId: 'project-apollo', version: 1 });

  const added = await post('projects.AddTask', {
    projectId: 'apollo',
    taskId: 'design',
    title: 'Design the lander',
  });
  expect(added.body).toMatchObject({ version: 2, events: [{ type: 'projects.TaskAdded' }] });

  const estimated = await post('estimation.EstimateTask', {
    projectId: 'apollo',
    taskId: 'design',
    points: 8,
  });
  expect(estimated.status).toBe(200);
  expect(estimated.body).toMatchObject({ streamId: 'estimation-apollo.design' });
  const position = estimated.body.position as number;
  expect(position).toBeGreaterThan(0);

  const project = await fetch(`${url}/queries/projects.GetProject?projectId=apollo`, {
    headers: { 'strata-min-position': String(position) },
  });
  expect(project.status).toBe(200);
  expect(await project.json()).toMatchObject({
    projectId: 'apollo',
    name: 'Apollo',
    ownerId: 'ada',
    tasks: [{ taskId: 'design', title: 'Design the lander', status: 'open', estimate: 8 }],
    totalEstimate: 8,
  });
  const estimate = await fetch(
    `${url}/queries/estimation.GetEstimate?projectId=apollo&taskId=design`,
    {
      headers: { 'strata-min-position': String(position) },
    },
  );
  expect(await estimate.json()).toMatchObject({ taskId: 'design', projectId: 'apollo', points: 8 });
  return position;
}

describe('the README session over HTTP, PGlite', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('runs the session, stops cleanly on SIGTERM, and keeps the data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-e2e-'));
    dirs.push(dataDir);
    const first = await startServer(['--data-dir', dataDir]);
    servers.push(first);
    expect(first.output()).toContain('PGlite');
    expect(first.output()).toContain('does not fsync');
    const position = await readmeSession(first.url);
    expect(await first.stop()).toBe(0);

    const second = await startServer(['--data-dir', dataDir]);
    servers.push(second);
    const again = await fetch(`${second.url}/queries/projects.GetProject?projectId=apollo`, {
      headers: { 'strata-min-position': String(position) },
    });
    expect(await again.json()).toMatchObject({ totalEstimate: 8 });
  });
});

describePostgres('the README session over HTTP, PostgreSQL', () => {
  const schema = uniqueSchemaName();
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await dropSchema(schema);
  });

  it('runs the session against a server on PostgreSQL and reports its durability settings', async () => {
    const server = await startServer([], {
      DATABASE_URL: TEST_DATABASE_URL,
      STRATA_SCHEMA: schema,
    });
    servers.push(server);
    expect(server.output()).toMatch(/PostgreSQL at .* fsync=\w+, synchronous_commit=\w+/);
    await readmeSession(server.url);
  });
});
