import { afterAll, describe, it } from 'vitest';

import { commandRequest, httpSpec, queryRequest } from 'strata';
import { devpie } from '../app.js';
import { RegisterUser } from '../identity/index.js';
import { AddTask, CreateProject } from '../projects/index.js';
import { EstimateTask, GetEstimate, ReviseEstimate } from './index.js';

const ada = commandRequest(RegisterUser, { userId: 'ada', email: 'ada@example.com', name: 'Ada' });
const project = (projectId: string) =>
  commandRequest(CreateProject, { projectId, ownerId: 'ada', name: projectId });
const design = (projectId: string) =>
  commandRequest(AddTask, { projectId, taskId: 'design', title: 'Design' });
const estimate = (projectId: string, points: 5 | 8) =>
  commandRequest(EstimateTask, { projectId, taskId: 'design', points });

describe('estimation over HTTP', () => {
  const given = httpSpec(devpie);
  afterAll(() => given.close());

  it('estimates tasks of the same id in two projects apart', async () => {
    const twoProjects = [ada, project('apollo'), design('apollo'), project('gemini')];
    await given([...twoProjects, design('gemini'), estimate('apollo', 8)])
      .when(estimate('gemini', 5))
      .then({ status: 200, body: { streamId: 'estimation-gemini.design' } });
    await given([...twoProjects, design('gemini'), estimate('apollo', 8), estimate('gemini', 5)])
      .when(queryRequest(GetEstimate, { projectId: 'apollo', taskId: 'design' }))
      .then({ status: 200, body: { projectId: 'apollo', taskId: 'design', points: 8 } });
  });

  it('refuses to estimate a task of a project that does not exist, or not of its project', async () => {
    await given([ada])
      .when(estimate('nowhere', 5))
      .then({ status: 422, body: { code: 'PROJECT_NOT_FOUND' } });
    await given([ada, project('apollo')])
      .when(estimate('apollo', 5))
      .then({ status: 422, body: { code: 'TASK_NOT_FOUND' } });
  });

  it('revises an estimate of a project, and answers 404 for an estimate never opened', async () => {
    await given([ada, project('apollo'), design('apollo'), estimate('apollo', 8)])
      .when(commandRequest(ReviseEstimate, { projectId: 'apollo', taskId: 'design', points: 5 }))
      .then({
        status: 200,
        events: [
          {
            type: 'estimation.EstimateRevised',
            data: { projectId: 'apollo', taskId: 'design', points: 5, previous: 8 },
          },
        ],
      });
    await given([])
      .when(queryRequest(GetEstimate, { projectId: 'apollo', taskId: 'design' }))
      .then({ status: 404 });
  });
});
