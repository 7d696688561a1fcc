import { afterAll, describe, it } from 'vitest';

import { projectionSpec } from 'strata';
import { projectDetail } from './read-model.js';

const at = '2026-01-01T00:00:00.000Z';
const created = {
  type: 'projects.ProjectCreated',
  data: { projectId: 'p1', ownerId: 'ada', name: 'Apollo', createdAt: at },
} as const;
const task = (taskId: string) =>
  ({ type: 'projects.TaskAdded', data: { projectId: 'p1', taskId, title: taskId } }) as const;
const apollo = { projectId: 'p1', ownerId: 'ada', name: 'Apollo', createdAt: at };

describe('the project detail', () => {
  const given = projectionSpec(projectDetail);
  afterAll(() => given.close());

  it('shows a project with its tasks, their estimates and the total', async () => {
    await given([
      created,
      task('design'),
      task('build'),
      { type: 'estimation.TaskEstimated', data: { projectId: 'p1', taskId: 'design', points: 8 } },
      { type: 'estimation.TaskEstimated', data: { projectId: 'p1', taskId: 'build', points: 5 } },
      {
        type: 'estimation.EstimateRevised',
        data: { projectId: 'p1', taskId: 'build', points: 3, previous: 5 },
      },
      { type: 'projects.TaskCompleted', data: { projectId: 'p1', taskId: 'design' } },
    ]).then({
      projects: {
        p1: {
          ...apollo,
          status: 'active',
          tasks: [
            { taskId: 'design', title: 'design', status: 'done', estimate: 8 },
            { taskId: 'build', title: 'build', status: 'open', estimate: 3 },
          ],
          totalEstimate: 11,
        },
      },
    });
  });

  it('drops a removed task from the total, renames and archives', async () => {
    await given([
      created,
      task('design'),
      { type: 'estimation.TaskEstimated', data: { projectId: 'p1', taskId: 'design', points: 8 } },
      { type: 'projects.TaskRemoved', data: { projectId: 'p1', taskId: 'design' } },
      { type: 'projects.ProjectRenamed', data: { projectId: 'p1', name: 'Artemis' } },
      { type: 'projects.ProjectArchived', data: { projectId: 'p1', archivedAt: at } },
    ]).then({
      projects: {
        p1: { ...apollo, name: 'Artemis', status: 'archived', tasks: [], totalEstimate: 0 },
      },
    });
  });

  it('ignores an estimate of a task in a project it does not show', async () => {
    await given([
      { type: 'estimation.TaskEstimated', data: { projectId: 'p9', taskId: 'design', points: 8 } },
    ]).then({ projects: {} });
  });
});
