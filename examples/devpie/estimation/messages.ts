import { Type } from 'typebox';

import { defineCommand, defineEvent, type CommandOf, type EventOf } from 'strata';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** Story points on the usual planning-poker scale. */
const Points = Type.Enum([0, 1, 2, 3, 5, 8, 13, 21, 40, 100]);

export const EstimationOpened = defineEvent({
  name: 'estimation.EstimationOpened',
  schema: Type.Object({ projectId: Id, taskId: Id }),
});
export const TaskEstimated = defineEvent({
  name: 'estimation.TaskEstimated',
  schema: Type.Object({ projectId: Id, taskId: Id, points: Type.Number() }),
});
export const EstimateRevised = defineEvent({
  name: 'estimation.EstimateRevised',
  schema: Type.Object({
    projectId: Id,
    taskId: Id,
    points: Type.Number(),
    previous: Type.Number(),
  }),
});

export const OpenEstimation = defineCommand({
  name: 'estimation.OpenEstimation',
  description: 'Opens the estimation of a task (sent by the process manager on TaskAdded).',
  schema: Type.Object({ projectId: Id, taskId: Id }, { additionalProperties: false }),
});
export const EstimateTask = defineCommand({
  name: 'estimation.EstimateTask',
  description: 'Gives a task of an existing project its first estimate, in story points.',
  schema: Type.Object(
    { projectId: Id, taskId: Id, points: Points },
    { additionalProperties: false },
  ),
});
export const ReviseEstimate = defineCommand({
  name: 'estimation.ReviseEstimate',
  description: "Changes a task's estimate.",
  schema: Type.Object(
    { projectId: Id, taskId: Id, points: Points },
    { additionalProperties: false },
  ),
});

export const estimationEvents = [EstimationOpened, TaskEstimated, EstimateRevised] as const;
export const estimationCommands = [OpenEstimation, EstimateTask, ReviseEstimate] as const;
export type EstimationEvent = EventOf<(typeof estimationEvents)[number]>;
export type EstimationCommand = CommandOf<(typeof estimationCommands)[number]>;
