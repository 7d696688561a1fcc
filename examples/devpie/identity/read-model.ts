import { Type } from 'typebox';

import { defineProjection, defineQuery } from 'strata';
import { identityEvents } from './messages.js';

/** A user as the read side shows it. */
export interface UserView extends Record<string, unknown> {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly status: 'active' | 'deactivated';
}

/** `UserView` as JSON Schema: what the user queries answer. */
const UserResult = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]),
});

/** Users by id; inline, so a query right after a command sees its effect. */
export const userDirectory = defineProjection({
  name: 'identity.users',
  version: 1,
  inline: true,
  events: identityEvents,
  handlers: {
    'identity.UserRegistered': (event, views) =>
      views.collection<UserView>('users').insert(event.data.userId, {
        userId: event.data.userId,
        email: event.data.email.toLowerCase(),
        name: event.data.name,
        status: 'active',
      }),
    'identity.UserEmailChanged': async (event, views) => {
      await views.collection<UserView>('users').patch(event.data.userId, {
        email: event.data.email.toLowerCase(),
      });
    },
    'identity.UserDeactivated': async (event, views) => {
      await views.collection<UserView>('users').patch(event.data.userId, { status: 'deactivated' });
    },
  },
});

export const GetUser = defineQuery({
  name: 'identity.GetUser',
  description: 'A user by id.',
  params: Type.Object({ userId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: UserResult,
  projections: ['identity.users'],
  handler: (views, { userId }) =>
    views.of('identity.users').collection<UserView>('users').get(userId),
});

export const FindUserByEmail = defineQuery({
  name: 'identity.FindUserByEmail',
  description: 'The user with an e-mail address, if any.',
  params: Type.Object({ email: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  result: UserResult,
  projections: ['identity.users'],
  async handler(views, { email }) {
    const [user] = await views
      .of('identity.users')
      .collection<UserView>('users')
      .find({ where: { email: email.toLowerCase() }, limit: 1 });
    return user;
  },
});
