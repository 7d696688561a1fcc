import { defineApp } from 'strata';

import { estimationEvents } from '../devpie/estimation/index.js';
import { GetUser, identityEvents, userDirectory } from '../devpie/identity/index.js';
import {
  GetProject,
  ListProjectsByOwner,
  projectCommands,
  projectDetail,
  projectEvents,
  projects,
} from '../devpie/projects/index.js';
import { busReplica } from './replica.js';

/**
 * Devpie's Projects service alone. A project's owner is checked against its own replica of
 * Identity's users (the user directory, built from Identity's events copied from the bus), and
 * a project's tasks show the estimates copied from the Estimation service's events.
 */
export const app = defineApp({
  name: 'projects',
  license: { name: 'MIT', identifier: 'MIT' },
  messages: [...projectEvents, ...projectCommands, ...identityEvents, ...estimationEvents],
  commandHandlers: [projects],
  projections: [projectDetail, userDirectory],
  queries: [GetProject, ListProjectsByOwner, GetUser],
  busConsumers: [
    busReplica({ from: 'identity', durable: 'projects-users', events: identityEvents }),
    busReplica({ from: 'estimation', durable: 'projects-estimates', events: estimationEvents }),
  ],
});
