export {
  ChangeEmail,
  DeactivateUser,
  identityCommands,
  identityEvents,
  RegisterUser,
  UserDeactivated,
  UserEmailChanged,
  UserRegistered,
} from './messages.js';
export type { IdentityCommand, IdentityEvent } from './messages.js';
export { FindUserByEmail, GetUser, userDirectory } from './read-model.js';
export type { UserView } from './read-model.js';
export { uniqueEmail } from './unique-email.js';
export { userDecider, users } from './user.js';
export { welcomeEmail } from './welcome-email.js';
