import { Type } from 'typebox';

import { defineCommandHandler, DomainError, type Decider } from '../../src/domain/index.js';
import {
  createMessageRegistry,
  defineCommand,
  defineEvent,
  type CommandOf,
  type EventOf,
} from '../../src/messages/index.js';

// A small domain for command-handling suites: task lists with tasks that get completed.

export const TaskListOpened = defineEvent({
  name: 'tasks.TaskListOpened',
  schema: Type.Object({ listId: Type.String(), name: Type.String(), openedAt: Type.String() }),
});
export const TaskAdded = defineEvent({
  name: 'tasks.TaskAdded',
  schema: Type.Object({ listId: Type.String(), taskId: Type.String(), title: Type.String() }),
});
export const TaskCompleted = defineEvent({
  name: 'tasks.TaskCompleted',
  schema: Type.Object({ listId: Type.String(), taskId: Type.String() }),
});

export const OpenTaskList = defineCommand({
  name: 'tasks.OpenTaskList',
  schema: Type.Object(
    { listId: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1, maxLength: 80 }) },
    { additionalProperties: false },
  ),
});
export const AddTask = defineCommand({
  name: 'tasks.AddTask',
  schema: Type.Object({ listId: Type.String(), title: Type.String({ minLength: 1 }) }),
});
export const CompleteTask = defineCommand({
  name: 'tasks.CompleteTask',
  schema: Type.Object({ listId: Type.String(), taskId: Type.String() }),
});

export type TaskListEvent = EventOf<
  typeof TaskListOpened | typeof TaskAdded | typeof TaskCompleted
>;
export type TaskListCommand = CommandOf<typeof OpenTaskList | typeof AddTask | typeof CompleteTask>;

export interface TaskListState {
  readonly opened: boolean;
  readonly tasks: Readonly<Record<string, 'open' | 'done'>>;
}

export const taskListDecider: Decider<TaskListCommand, TaskListEvent, TaskListState> = {
  initialState: () => ({ opened: false, tasks: {} }),
  evolve(state, event) {
    switch (event.type) {
      case 'tasks.TaskListOpened':
        return { ...state, opened: true };
      case 'tasks.TaskAdded':
        return { ...state, tasks: { ...state.tasks, [event.data.taskId]: 'open' } };
      case 'tasks.TaskCompleted':
        return { ...state, tasks: { ...state.tasks, [event.data.taskId]: 'done' } };
    }
  },
  decide(command, state, { now, newId }) {
    switch (command.type) {
      case 'tasks.OpenTaskList':
        if (state.opened) throw new DomainError('LIST_EXISTS', 'The task list is open already');
        return {
          type: 'tasks.TaskListOpened',
          data: { ...command.data, openedAt: now.toISOString() },
        };
      case 'tasks.AddTask':
        if (!state.opened) throw new DomainError('LIST_NOT_FOUND', 'No such task list');
        return { type: 'tasks.TaskAdded', data: { ...command.data, taskId: newId() } };
      case 'tasks.CompleteTask': {
        const task = state.tasks[command.data.taskId];
        if (task === undefined) throw new DomainError('TASK_NOT_FOUND', 'No such task');
        // Completing a completed task changes nothing: no event.
        return task === 'done' ? [] : { type: 'tasks.TaskCompleted', data: command.data };
      }
    }
  },
};

export const taskListRegistry = createMessageRegistry([
  TaskListOpened,
  TaskAdded,
  TaskCompleted,
  OpenTaskList,
  AddTask,
  CompleteTask,
]);

export const taskListCommands = [OpenTaskList, AddTask, CompleteTask];

/** The task lists' command handler: one stream per list. */
export const taskListHandler = defineCommandHandler({
  commands: taskListCommands,
  decider: taskListDecider,
  streamId: (command) => `tasklist-${command.data.listId}`,
});
