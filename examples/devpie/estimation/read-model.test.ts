import { afterAll, describe, it } from 'vitest';

import { projectionSpec } from 'strata';
import { estimates } from './read-model.js';

const opened = (projectId: string) =>
  ({ type: 'estimation.EstimationOpened', data: { projectId, taskId: 'design' } }) as const;

describe('the estimates', () => {
  const given = projectionSpec(estimates);
  afterAll(() => given.close());

  it('opens an estimate without points, then estimates and counts revisions', async () => {
    await given([opened('apollo')]).then({
      estimates: {
        'apollo.design': { projectId: 'apollo', taskId: 'design', points: null, revisions: 0 },
      },
    });
    await given([
      opened('apollo'),
      {
        type: 'estimation.TaskEstimated',
        data: { projectId: 'apollo', taskId: 'design', points: 5 },
      },
      {
        type: 'estimation.EstimateRevised',
        data: { projectId: 'apollo', taskId: 'design', points: 8, previous: 5 },
      },
    ]).then({
      estimates: {
        'apollo.design': { projectId: 'apollo', taskId: 'design', points: 8, revisions: 1 },
      },
    });
  });

  it('keeps the estimates of same-named tasks of two projects apart', async () => {
    await given([
      opened('apollo'),
      opened('gemini'),
      {
        type: 'estimation.TaskEstimated',
        data: { projectId: 'gemini', taskId: 'design', points: 3 },
      },
    ]).then({
      estimates: {
        'apollo.design': { projectId: 'apollo', taskId: 'design', points: null, revisions: 0 },
        'gemini.design': { projectId: 'gemini', taskId: 'design', points: 3, revisions: 0 },
      },
    });
  });
});
