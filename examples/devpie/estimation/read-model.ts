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

/** `EstimateView` as JSON Schema: what `GetEstimate` answers. */
const EstimateResult = Type.Object({
  taskId: Type.String(),
  projectId: Type.String(),
  points: Type.Union([Type.Number(), Type.Null()]),
  revisions: Type.Integer(),
});

/** A task's estimate is keyed by its project and its id: a task id is unique in its project. */
const estimateId = ({ projectId, taskId }: { projectId: string; taskId: string }) =>
  `${projectId}.${taskId}`;

export const estimates = defineProjection({
  name: 'estimation.estimates',
  version: 2,
  events: estimationEvents,
  handlers: {
    'estimation.EstimationOpened': (event, views) =>
      views.collection<EstimateView>('estimates').upsert(estimateId(event.data), {
        ...event.data,
        points: null,
        revisions: 0,
      }),
    'estimation.TaskEstimated': async (event, views) => {
      await views
        .collection<EstimateView>('estimates')
        .patch(estimateId(event.data), { points: event.data.points });
    },
    'estimation.EstimateRevised': async (event, views) => {
      const estimatesView = views.collection<EstimateView>('estimates');
      const current = await estimatesView.get(estimateId(event.data));
      await estimatesView.patch(estimateId(event.data), {
        points: event.data.points,
        revisions: (current?.revisions ?? 0) + 1,
      });
    },
  },
});

export const GetEstimate = defineQuery({
  name: 'estimation.GetEstimate',
  description: "A task's estimate and how often it was revised.",
  params: Type.Object(
    { projectId: Type.String({ minLength: 1 }), taskId: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  result: EstimateResult,
  projections: ['estimation.estimates'],
  handler: (views, params) =>
    views.of('estimation.estimates').collection<EstimateView>('estimates').get(estimateId(params)),
});
