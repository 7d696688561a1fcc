import { Type } from 'typebox';

import { defineCommand, defineEvent, type CommandOf, type EventOf } from 'strata';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 120 });

export const ProjectCreated = defineEvent({
  name: 'projects.ProjectCreated',
  schema: Type.Object({ projectId: Id, ownerId: Id, name: Name, createdAt: Type.String() }),
});
export const ProjectRenamed = defineEvent({
  name: 'projects.ProjectRenamed',
  schema: Type.Object({ projectId: Id, name: Name }),
});
export const TaskAdded = defineEvent({
  name: 'projects.TaskAdded',
  schema: Type.Object({ projectId: Id, taskId: Id, title: Name }),
});
export const TaskCompleted = defineEvent({
  name: 'projects.TaskCompleted',
  schema: Type.Object({ projectId: Id, taskId: Id }),
});
export const TaskRemoved = defineEvent({
  name: 'projects.TaskRemoved',
  schema: Type.Object({ projectId: Id, taskId: Id }),
});
export const ProjectArchived = defineEvent({
  name: 'projects.ProjectArchived',
  schema: Type.Object({ projectId: Id, archivedAt: Type.String() }),
});

const command = <const Name extends string, Schema extends Parameters<typeof Type.Object>[0]>(
  name: Name,
  description: string,
  properties: Schema,
) =>
  defineCommand({
    name,
    description,
    schema: Type.Object(properties, { additionalProperties: false }),
  });

export const CreateProject = command(
  'projects.CreateProject',
  'Creates a project owned by a registered, active user.',
  { projectId: Id, ownerId: Id, name: Name },
);
export const RenameProject = command('projects.RenameProject', 'Renames a project.', {
  projectId: Id,
  name: Name,
});
export const AddTask = command('projects.AddTask', 'Adds a task; an estimation opens for it.', {
  projectId: Id,
  taskId: Id,
  title: Name,
});
export const CompleteTask = command('projects.CompleteTask', 'Marks a task done.', {
  projectId: Id,
  taskId: Id,
});
export const RemoveTask = command('projects.RemoveTask', 'Removes a task.', {
  projectId: Id,
  taskId: Id,
});
export const ArchiveProject = command(
  'projects.ArchiveProject',
  'Archives a project: it takes no more changes.',
  { projectId: Id },
);

export const projectEvents = [
  ProjectCreated,
  ProjectRenamed,
  TaskAdded,
  TaskCompleted,
  TaskRemoved,
  ProjectArchived,
] as const;
export const projectCommands = [
  CreateProject,
  RenameProject,
  AddTask,
  CompleteTask,
  RemoveTask,
  ArchiveProject,
] as const;

export type ProjectEvent = EventOf<(typeof projectEvents)[number]>;
export type ProjectCommand = CommandOf<(typeof projectCommands)[number]>;
