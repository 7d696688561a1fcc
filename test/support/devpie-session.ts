import { expect } from 'vitest';

import { readUntil } from './async.js';
import type { Service } from './devpie-services.js';

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
  const [identity, projects, estimation] = [
    urlOf('identity'),
    urlOf('projects'),
    urlOf('estimation'),
  ];
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
