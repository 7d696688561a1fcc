import { describe, it } from 'vitest';

import { deciderSpec, DomainError } from 'strata';
import { estimationDecider } from './estimation.js';

const opened = {
  type: 'estimation.EstimationOpened',
  data: { projectId: 'p1', taskId: 't1' },
} as const;
const estimated = {
  type: 'estimation.TaskEstimated',
  data: { projectId: 'p1', taskId: 't1', points: 5 },
} as const;
const given = deciderSpec(estimationDecider);

describe('a task estimation', () => {
  it('opens once, however often it is asked', () => {
    given([])
      .when({ type: 'estimation.OpenEstimation', data: { projectId: 'p1', taskId: 't1' } })
      .then([opened]);
    given([opened])
      .when({ type: 'estimation.OpenEstimation', data: { projectId: 'p1', taskId: 't1' } })
      .then([]);
  });

  it('estimates an open task, or opens it on the way', () => {
    given([opened])
      .when({ type: 'estimation.EstimateTask', data: { projectId: 'p1', taskId: 't1', points: 5 } })
      .then([estimated]);
    given([])
      .when({ type: 'estimation.EstimateTask', data: { projectId: 'p1', taskId: 't1', points: 5 } })
      .then([opened, estimated]);
    given([opened, estimated])
      .when({ type: 'estimation.EstimateTask', data: { projectId: 'p1', taskId: 't1', points: 8 } })
      .then(
        new DomainError('ALREADY_ESTIMATED', 'Task t1 is estimated already; revise it instead'),
      );
  });

  it('revises an estimate, remembering the previous one', () => {
    given([opened, estimated])
      .when({
        type: 'estimation.ReviseEstimate',
        data: { projectId: 'p1', taskId: 't1', points: 8 },
      })
      .then([
        {
          type: 'estimation.EstimateRevised',
          data: { projectId: 'p1', taskId: 't1', points: 8, previous: 5 },
        },
      ]);
    given([opened, estimated])
      .when({
        type: 'estimation.ReviseEstimate',
        data: { projectId: 'p1', taskId: 't1', points: 5 },
      })
      .then([]);
    given([opened])
      .when({
        type: 'estimation.ReviseEstimate',
        data: { projectId: 'p1', taskId: 't1', points: 5 },
      })
      .then(new DomainError('NOT_ESTIMATED', 'Task t1 has no estimate to revise'));
  });
});
