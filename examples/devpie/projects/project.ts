import { defineCommandHandler, DomainError, type Decider } from 'strata';
import { GetUser } from '../identity/index.js';
import { projectCommands, type ProjectCommand, type ProjectEvent } from './messages.js';

export interface ProjectState {
  readonly status: 'none' | 'active' | 'archived';
  readonly name: string;
  readonly tasks: Readonly<Record<string, 'open' | 'done'>>;
}

function taskOf(state: ProjectState, projectId: string, taskId: string): 'open' | 'done' {
  const task = state.tasks[taskId];
  if (task === undefined)
    throw new DomainError('TASK_NOT_FOUND', `Project ${projectId} has no task ${taskId}`);
  return task;
}

/** One project and its tasks. */
export const projectDecider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
  initialState: () => ({ status: 'none', name: '', tasks: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'projects.ProjectCreated':
        return { status: 'active', name: event.data.name, tasks: {} };
      case 'projects.ProjectRenamed':
        return { ...state, name: event.data.name };
      case 'projects.TaskAdded':
        return { ...state, tasks: { ...state.tasks, [event.data.taskId]: 'open' } };
      case 'projects.TaskCompleted':
        return { ...state, tasks: { ...state.tasks, [event.data.taskId]: 'done' } };
      case 'projects.TaskRemoved': {
        const { [event.data.taskId]: _removed, ...tasks } = state.tasks;
        return { ...state, tasks };
      }
      case 'projects.ProjectArchived':
        return { ...state, status: 'archived' };
    }
  },
  decide(command, state, { now }) {
    const { projectId } = command.data;
    if (command.type === 'projects.CreateProject') {
      if (state.status !== 'none')
        throw new DomainError('PROJECT_EXISTS', `Project ${projectId} exists already`);
      return {
        type: 'projects.ProjectCreated',
        data: { ...command.data, createdAt: now.toISOString() },
      };
    }
    if (state.status === 'none')
      throw new DomainError('PROJECT_NOT_FOUND', `No project ${projectId}`);
    if (state.status === 'archived') {
      if (command.type === 'projects.ArchiveProject') return [];
      throw new DomainError('PROJECT_ARCHIVED', `Project ${projectId} is archived`);
    }
    switch (command.type) {
      case 'projects.RenameProject':
        return state.name === command.data.name
          ? []
          : { type: 'projects.ProjectRenamed', data: command.data };
      case 'projects.AddTask':
        if (state.tasks[command.data.taskId] !== undefined) {
          throw new DomainError(
            'TASK_EXISTS',
            `Project ${projectId} has a task ${command.data.taskId} already`,
          );
        }
        return { type: 'projects.TaskAdded', data: command.data };
      case 'projects.CompleteTask':
        return taskOf(state, projectId, command.data.taskId) === 'done'
          ? []
          : { type: 'projects.TaskCompleted', data: command.data };
      case 'projects.RemoveTask':
        taskOf(state, projectId, command.data.taskId);
        return { type: 'projects.TaskRemoved', data: command.data };
      case 'projects.ArchiveProject':
        return {
          type: 'projects.ProjectArchived',
          data: { projectId, archivedAt: now.toISOString() },
        };
    }
  },
};

export const projects = defineCommandHandler({
  commands: projectCommands,
  decider: projectDecider,
  streamId: (command) => `project-${command.data.projectId}`,
  // A project's owner must be a registered, active user: a check against another context's
  // read model, so it runs before the project's stream is loaded.
  async validate(command, _metadata, { query }) {
    if (command.type !== 'projects.CreateProject') return;
    const owner = await query(GetUser, { userId: command.data.ownerId });
    if (owner?.status !== 'active') {
      throw new DomainError(
        'OWNER_NOT_FOUND',
        `No active user ${command.data.ownerId} to own the project`,
      );
    }
  },
});
