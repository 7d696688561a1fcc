export { identityCommands, identityEvents } from './messages.js';
export { FindUserByEmail, GetUser, userDirectory } from './read-model.js';
export type { UserView } from './read-model.js';
export { uniqueEmail } from './unique-email.js';
export { userDecider, users } from './user.js';
