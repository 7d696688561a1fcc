import { defineCommandHandler, defineReactor, DomainError, type Decider } from 'strata';
import { GetProject, TaskAdded } from '../projects/index.js';
import { estimationCommands, type EstimationCommand, type EstimationEvent } from './messages.js';

export interface EstimationState {
  readonly projectId: string | undefined;
  readonly points: number | undefined;
}

/** The estimate of one task. */
export const estimationDecider: Decider<EstimationCommand, EstimationEvent, EstimationState> = {
  initialState: () => ({ projectId: undefined, points: undefined }),
  evolve(state, event) {
    switch (event.type) {
      case 'estimation.EstimationOpened':
        return { ...state, projectId: event.data.projectId };
      case 'estimation.TaskEstimated':
      case 'estimation.EstimateRevised':
        return { projectId: event.data.projectId, points: event.data.points };
    }
  },
  decide(command, state) {
    const { taskId } = command.data;
    switch (command.type) {
      case 'estimation.OpenEstimation':
        // The process manager may deliver twice, and estimating opens it too: no-op if open.
        return state.projectId === undefined
          ? { type: 'estimation.EstimationOpened', data: command.data }
          : [];
      case 'estimation.EstimateTask': {
        if (state.points !== undefined) {
          throw new DomainError(
            'ALREADY_ESTIMATED',
            `Task ${taskId} is estimated already; revise it instead`,
          );
        }
        const estimated = { type: 'estimation.TaskEstimated' as const, data: command.data };
        // Estimating a task before the process manager opened its estimation opens it here.
        return state.projectId === undefined
          ? [
              {
                type: 'estimation.EstimationOpened',
                data: { projectId: command.data.projectId, taskId },
              },
              estimated,
            ]
          : estimated;
      }
      case 'estimation.ReviseEstimate':
        if (state.points === undefined || state.projectId === undefined) {
          throw new DomainError('NOT_ESTIMATED', `Task ${taskId} has no estimate to revise`);
        }
        return state.points === command.data.points
          ? []
          : {
              type: 'estimation.EstimateRevised',
              data: {
                projectId: state.projectId,
                taskId,
                points: command.data.points,
                previous: state.points,
              },
            };
    }
  },
};

/**
 * The estimation of a task: a task id is unique within its project only, so the stream is named
 * after both (`.` is in neither id, so two pairs never name the same stream).
 */
export const estimations = defineCommandHandler({
  commands: estimationCommands,
  decider: estimationDecider,
  streamId: ({ data }) => `estimation-${data.projectId}.${data.taskId}`,
  // The task must be one of a project's: a check against the Projects context's read model
  // (inline, so a task added just before is there), run before the stream is loaded. Opening
  // comes from a `TaskAdded` and needs no check.
  async validate(command, _metadata, { query }) {
    if (command.type !== 'estimation.EstimateTask') return;
    const { projectId, taskId } = command.data;
    const project = await query(GetProject, { projectId });
    if (project === undefined) {
      throw new DomainError('PROJECT_NOT_FOUND', `No project ${projectId}`);
    }
    if (!project.tasks.some((task) => task.taskId === taskId)) {
      throw new DomainError('TASK_NOT_FOUND', `Project ${projectId} has no task ${taskId}`);
    }
  },
});

/** The process manager: every new task gets an estimation. */
export const openEstimationOnTaskAdded = defineReactor({
  name: 'estimation.open-on-task-added',
  events: [TaskAdded],
  handle: async (event, { send }) => {
    await send({
      type: 'estimation.OpenEstimation',
      data: { projectId: event.data.projectId, taskId: event.data.taskId },
      // The event's id makes a redelivery a repeat of the same command.
      id: `${event.id}:open-estimation`,
      metadata: { causationId: event.id, correlationId: event.metadata.correlationId ?? event.id },
    });
  },
});
