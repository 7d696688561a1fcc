import { defineApp } from 'strata';

import {
  FindUserByEmail,
  GetUser,
  identityCommands,
  identityEvents,
  uniqueEmail,
  userDirectory,
  users,
} from '../devpie/identity/index.js';

/** Devpie's Identity service alone: users with unique e-mail addresses, published on the bus. */
export const app = defineApp({
  name: 'identity',
  license: { name: 'MIT', identifier: 'MIT' },
  messages: [...identityEvents, ...identityCommands],
  commandHandlers: [users],
  projections: [userDirectory],
  queries: [GetUser, FindUserByEmail],
  uniqueConstraints: [uniqueEmail],
});
