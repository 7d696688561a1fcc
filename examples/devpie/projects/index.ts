export { projectCommands, projectEvents } from './messages.js';
export { projectDecider, projects } from './project.js';
export { GetProject, ListProjectsByOwner, projectDetail } from './read-model.js';
export type { ProjectView, TaskView } from './read-model.js';
