import { Type } from 'typebox';

import { defineCommand, defineEvent, type CommandOf, type EventOf } from 'strata';

const UserId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Name = Type.String({ minLength: 1, maxLength: 100 });

export const UserRegistered = defineEvent({
  name: 'identity.UserRegistered',
  schema: Type.Object({ userId: UserId, email: Email, name: Name, registeredAt: Type.String() }),
});
export const UserEmailChanged = defineEvent({
  name: 'identity.UserEmailChanged',
  schema: Type.Object({ userId: UserId, email: Email }),
});
export const UserDeactivated = defineEvent({
  name: 'identity.UserDeactivated',
  schema: Type.Object({ userId: UserId, deactivatedAt: Type.String() }),
});

export const RegisterUser = defineCommand({
  name: 'identity.RegisterUser',
  description: 'Registers a user with a unique e-mail address.',
  schema: Type.Object(
    { userId: UserId, email: Email, name: Name },
    { additionalProperties: false },
  ),
});
export const ChangeEmail = defineCommand({
  name: 'identity.ChangeEmail',
  description: "Changes a user's e-mail address to one no other user has.",
  schema: Type.Object({ userId: UserId, email: Email }, { additionalProperties: false }),
});
export const DeactivateUser = defineCommand({
  name: 'identity.DeactivateUser',
  description: 'Deactivates a user; a deactivated user cannot own new projects.',
  schema: Type.Object({ userId: UserId }, { additionalProperties: false }),
});

export type IdentityEvent = EventOf<
  typeof UserRegistered | typeof UserEmailChanged | typeof UserDeactivated
>;
export type IdentityCommand = CommandOf<
  typeof RegisterUser | typeof ChangeEmail | typeof DeactivateUser
>;

export const identityEvents = [UserRegistered, UserEmailChanged, UserDeactivated] as const;
export const identityCommands = [RegisterUser, ChangeEmail, DeactivateUser] as const;
