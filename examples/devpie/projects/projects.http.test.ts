import { afterAll, describe, it } from 'vitest';

import { commandRequest, httpSpec, queryRequest } from 'strata';
import { devpie } from '../app.js';
import { EstimateTask } from '../estimation/index.js';
import { DeactivateUser, RegisterUser } from '../identity/index.js';
import { AddTask, CreateProject, GetProject, ListProjectsByOwner } from './index.js';

const ada = commandRequest(RegisterUser, { userId: 'ada', email: 'ada@example.com', name: 'Ada' });
const create = (projectId: string, name = projectId) =>
  commandRequest(CreateProject, { projectId, ownerId: 'ada', name });

describe('projects over HTTP', () => {
  const given = httpSpec(devpie);
  afterAll(() => given.close());

  it('creates a project owned by an active user, and refuses other owners', async () => {
    await given([ada])
      .when(create('apollo'))
      .then({ status: 200, body: { streamId: 'project-apollo', version: 1 } });
    await given([])
      .when(create('apollo'))
      .then({ status: 422, body: { code: 'OWNER_NOT_FOUND' } });
    await given([ada, commandRequest(DeactivateUser, { userId: 'ada' })])
      .when(create('apollo'))
      .then({ status: 422, body: { code: 'OWNER_NOT_FOUND' } });
  });

  it('shows a project with its estimated tasks', async () => {
    await given([
      ada,
      create('apollo', 'Apollo'),
      commandRequest(AddTask, { projectId: 'apollo', taskId: 'design', title: 'Design' }),
      commandRequest(EstimateTask, { projectId: 'apollo', taskId: 'design', points: 8 }),
    ])
      .when(queryRequest(GetProject, { projectId: 'apollo' }))
      .then({
        status: 200,
        body: {
          name: 'Apollo',
          status: 'active',
          tasks: [{ taskId: 'design', status: 'open', estimate: 8 }],
          totalEstimate: 8,
        },
      });
  });

  it("lists a user's projects by name, a page at a time", async () => {
    await given([ada, create('p1', 'Zeta'), create('p2', 'Alpha'), create('p3', 'Mu')])
      .when(queryRequest(ListProjectsByOwner, { ownerId: 'ada', limit: 2 }))
      .then({ status: 200, body: [{ name: 'Alpha' }, { name: 'Mu' }] });
  });
});
