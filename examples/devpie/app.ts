import { defineApp } from 'strata';
import {
  estimates,
  estimationCommands,
  estimationEvents,
  estimations,
  GetEstimate,
  openEstimationOnTaskAdded,
} from './estimation/index.js';
import {
  FindUserByEmail,
  GetUser,
  identityCommands,
  identityEvents,
  uniqueEmail,
  userDirectory,
  users,
  welcomeEmail,
} from './identity/index.js';
import {
  GetProject,
  ListProjectsByOwner,
  projectCommands,
  projectDetail,
  projectEvents,
  projects,
  purgeProjectPages,
} from './projects/index.js';

/**
 * Devpie: the system of seed 001 as three bounded contexts. Identity registers users with
 * unique e-mail addresses; Projects holds projects and their tasks, owned by registered users;
 * Estimation estimates tasks, and opens an estimation for every task added (a process manager).
 * New users get a welcome e-mail, and a changed project's pages are purged from the CDN (side
 * effects, each on when its service is configured).
 */
export const devpie = defineApp({
  name: 'devpie',
  license: { name: 'MIT', identifier: 'MIT' },
  messages: [
    ...identityEvents,
    ...identityCommands,
    ...projectEvents,
    ...projectCommands,
    ...estimationEvents,
    ...estimationCommands,
  ],
  commandHandlers: [users, projects, estimations],
  projections: [userDirectory, projectDetail, estimates],
  queries: [GetUser, FindUserByEmail, GetProject, ListProjectsByOwner, GetEstimate],
  reactors: [openEstimationOnTaskAdded],
  effects: [welcomeEmail, purgeProjectPages],
  uniqueConstraints: [uniqueEmail],
});

/** The export `strata serve --app` looks for. */
export const app = devpie;
