import { defineCommandHandler, DomainError, type Decider } from 'strata';
import { identityCommands, type IdentityCommand, type IdentityEvent } from './messages.js';

export interface UserState {
  readonly status: 'unregistered' | 'active' | 'deactivated';
  readonly email: string | undefined;
}

/** One user: registered once, e-mail changed while active, deactivated once. */
export const userDecider: Decider<IdentityCommand, IdentityEvent, UserState> = {
  initialState: () => ({ status: 'unregistered', email: undefined }),
  evolve(state, event) {
    switch (event.type) {
      case 'identity.UserRegistered':
        return { status: 'active', email: event.data.email };
      case 'identity.UserEmailChanged':
        return { ...state, email: event.data.email };
      case 'identity.UserDeactivated':
        return { ...state, status: 'deactivated' };
    }
  },
  decide(command, state, { now }) {
    if (command.type === 'identity.RegisterUser') {
      if (state.status !== 'unregistered') {
        throw new DomainError('USER_EXISTS', `User ${command.data.userId} is registered already`);
      }
      return {
        type: 'identity.UserRegistered',
        data: { ...command.data, registeredAt: now.toISOString() },
      };
    }
    if (state.status === 'unregistered') {
      throw new DomainError('USER_NOT_FOUND', `No user ${command.data.userId}`);
    }
    if (command.type === 'identity.DeactivateUser') {
      return state.status === 'deactivated'
        ? []
        : {
            type: 'identity.UserDeactivated',
            data: { userId: command.data.userId, deactivatedAt: now.toISOString() },
          };
    }
    if (state.status === 'deactivated') {
      throw new DomainError('USER_DEACTIVATED', `User ${command.data.userId} is deactivated`);
    }
    return state.email === command.data.email
      ? []
      : { type: 'identity.UserEmailChanged', data: command.data };
  },
};

/** Users; unique e-mail addresses are the `identity.unique-email` constraint's job. */
export const users = defineCommandHandler({
  commands: identityCommands,
  decider: userDecider,
  streamId: (command) => `user-${command.data.userId}`,
});
