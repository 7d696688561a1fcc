import { Type } from 'typebox';

import { defineProjection, defineQuery, type ViewWriter } from 'strata';
import { estimationEvents } from '../estimation/index.js';
import { projectEvents } from './messages.js';

export interface TaskView {
  readonly taskId: string;
  readonly title: string;
  readonly status: 'open' | 'done';
  /** Story points; `null` until estimated. */
  readonly estimate: number | null;
}

export interface ProjectView extends Record<string, unknown> {
  readonly projectId: string;
  readonly ownerId: string;
  readonly name: string;
  readonly status: 'active' | 'archived';
  readonly createdAt: string;
  readonly tasks: readonly TaskView[];
  /** Sum of the tasks' estimates. */
  readonly totalEstimate: number;
}

/** `ProjectView` as JSON Schema: what the project queries answer. */
const ProjectResult = Type.Object({
  projectId: Type.String(),
  ownerId: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  createdAt: Type.String(),
  tasks: Type.Immutable(
    Type.Array(
      Type.Object({
        taskId: Type.String(),
        title: Type.String(),
        status: Type.Union([Type.Literal('open'), Type.Literal('done')]),
        estimate: Type.Union([Type.Number(), Type.Null()]),
      }),
    ),
  ),
  totalEstimate: Type.Number(),
});

/** Rewrites a project's tasks (and its total estimate) when it exists; ignores it otherwise. */
async function updateTasks(
  views: ViewWriter,
  projectId: string,
  change: (tasks: readonly TaskView[]) => readonly TaskView[],
): Promise<void> {
  const projects = views.collection<ProjectView>('projects');
  const project = await projects.get(projectId);
  if (project === undefined) return;
  const tasks = change(project.tasks);
  const totalEstimate = tasks.reduce((sum, task) => sum + (task.estimate ?? 0), 0);
  await projects.patch(projectId, { tasks, totalEstimate });
}

const setEstimate = (taskId: string, points: number) => (tasks: readonly TaskView[]) =>
  tasks.map((task) => (task.taskId === taskId ? { ...task, estimate: points } : task));

/**
 * Each project with its tasks and their estimates: what the project page shows. Inline, so
 * estimating a task added just before finds it.
 */
export const projectDetail = defineProjection({
  name: 'projects.detail',
  version: 1,
  inline: true,
  events: [...projectEvents, ...estimationEvents],
  handlers: {
    'projects.ProjectCreated': (event, views) =>
      views.collection<ProjectView>('projects').insert(event.data.projectId, {
        ...event.data,
        status: 'active',
        tasks: [],
        totalEstimate: 0,
      }),
    'projects.ProjectRenamed': async (event, views) => {
      await views
        .collection<ProjectView>('projects')
        .patch(event.data.projectId, { name: event.data.name });
    },
    'projects.ProjectArchived': async (event, views) => {
      await views
        .collection<ProjectView>('projects')
        .patch(event.data.projectId, { status: 'archived' });
    },
    'projects.TaskAdded': (event, views) =>
      updateTasks(views, event.data.projectId, (tasks) => [
        ...tasks,
        { taskId: event.data.taskId, title: event.data.title, status: 'open', estimate: null },
      ]),
    'projects.TaskCompleted': (event, views) =>
      updateTasks(views, event.data.projectId, (tasks) =>
        tasks.map((task) =>
          task.taskId === event.data.taskId ? { ...task, status: 'done' } : task,
        ),
      ),
    'projects.TaskRemoved': (event, views) =>
      updateTasks(views, event.data.projectId, (tasks) =>
        tasks.filter((task) => task.taskId !== event.data.taskId),
      ),
    'estimation.TaskEstimated': (event, views) =>
      updateTasks(views, event.data.projectId, setEstimate(event.data.taskId, event.data.points)),
    'estimation.EstimateRevised': (event, views) =>
      updateTasks(views, event.data.projectId, setEstimate(event.data.taskId, event.data.points)),
  },
});

export const GetProject = defineQuery({
  name: 'projects.GetProject',
  description: 'A project with its tasks and estimates.',
  params: Type.Object(
    { projectId: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  result: ProjectResult,
  projections: ['projects.detail'],
  handler: (views, { projectId }) =>
    views.of('projects.detail').collection<ProjectView>('projects').get(projectId),
});

export const ListProjectsByOwner = defineQuery({
  name: 'projects.ListProjectsByOwner',
  description: "A user's projects, by name.",
  params: Type.Object(
    {
      ownerId: Type.String({ minLength: 1 }),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      offset: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  result: Type.Array(ProjectResult),
  projections: ['projects.detail'],
  handler: (views, { ownerId, limit = 20, offset = 0 }) =>
    views
      .of('projects.detail')
      .collection<ProjectView>('projects')
      .find({ where: { ownerId }, orderBy: { field: 'name' }, limit, offset }),
});
