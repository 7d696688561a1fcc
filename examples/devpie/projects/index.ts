// Messages first: the estimation context imports this index and this context imports
// estimation's, so each index's messages must be evaluated before anything that uses the other's.
export {
  AddTask,
  ArchiveProject,
  CompleteTask,
  CreateProject,
  ProjectArchived,
  ProjectCreated,
  projectCommands,
  projectEvents,
  ProjectRenamed,
  RemoveTask,
  RenameProject,
  TaskAdded,
  TaskCompleted,
  TaskRemoved,
} from './messages.js';
export type { ProjectCommand, ProjectEvent } from './messages.js';
export { projectDecider, projects } from './project.js';
export { GetProject, ListProjectsByOwner, projectDetail } from './read-model.js';
export type { ProjectView, TaskView } from './read-model.js';
export { purgeProjectPages } from './purge-pages.js';
