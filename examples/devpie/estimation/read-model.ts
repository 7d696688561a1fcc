import { Type } from 'typebox';

import { defineProjection, defineQuery } from 'strata';
import { estimationEvents } from './messages.js';

/** A task's estimate and its history, as estimators see it. */
export interface EstimateView extends Record<string, unknown> {
  readonly taskId: string;
  readonly projectId: string;
  /** `null` while the estimation is open but unestimated. */
  readonly points: number | null;
  readonly revisions: number;
}

export const estimates = defineProjection({
  name: 'estimation.estimates',
  version: 1,
  events: estimationEvents,
  handlers: {
    'estimation.EstimationOpened': (event, views) =>
      views.collection<EstimateView>('estimates').upsert(event.data.taskId, {
        ...event.data,
        points: null,
        revisions: 0,
      }),
    'estimation.TaskEstimated': async (event, views) => {
      await views
        .collection<EstimateView>('estimates')
        .patch(event.data.taskId, { points: event.data.points });
    },
    'estimation.EstimateRevised': async (event, views) => {
      const estimatesView = views.collection<EstimateView>('estimates');
      const current = await estimatesView.get(event.data.taskId);
      await estimatesView.patch(event.data.taskId, {
        points: event.data.points,
        revisions: (current?.revisions ?? 0) + 1,
      });
    },
  },
});

export const GetEstimate = defineQuery({
  name: 'estimation.GetEstimate',
  description: "A task's estimate and how often it was revised.",
  params: Type.Object({ taskId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  projections: ['estimation.estimates'],
  handler: (views, { taskId }) =>
    views.of('estimation.estimates').collection<EstimateView>('estimates').get(taskId),
});
