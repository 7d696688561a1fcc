import { describe, it } from 'vitest';

import { deciderSpec, DomainError } from 'strata';
import { userDecider } from './user.js';

const at = '2026-01-01T00:00:00.000Z';
const registered = {
  type: 'identity.UserRegistered',
  data: { userId: 'ada', email: 'ada@example.com', name: 'Ada', registeredAt: at },
} as const;
const given = deciderSpec(userDecider);

describe('a user', () => {
  it('registers once', () => {
    given([])
      .when({
        type: 'identity.RegisterUser',
        data: { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
      })
      .then([registered]);
    given([registered])
      .when({
        type: 'identity.RegisterUser',
        data: { userId: 'ada', email: 'x@example.com', name: 'A' },
      })
      .then(new DomainError('USER_EXISTS', 'User ada is registered already'));
  });

  it('changes e-mail while active, and not to the same address', () => {
    given([registered])
      .when({
        type: 'identity.ChangeEmail',
        data: { userId: 'ada', email: 'lovelace@example.com' },
      })
      .then([
        {
          type: 'identity.UserEmailChanged',
          data: { userId: 'ada', email: 'lovelace@example.com' },
        },
      ]);
    given([registered])
      .when({ type: 'identity.ChangeEmail', data: { userId: 'ada', email: 'ada@example.com' } })
      .then([]);
    given([])
      .when({ type: 'identity.ChangeEmail', data: { userId: 'ada', email: 'a@example.com' } })
      .then(new DomainError('USER_NOT_FOUND', 'No user ada'));
  });

  it('deactivates once, then refuses changes', () => {
    const deactivated = {
      type: 'identity.UserDeactivated',
      data: { userId: 'ada', deactivatedAt: at },
    } as const;
    given([registered])
      .when({ type: 'identity.DeactivateUser', data: { userId: 'ada' } })
      .then([deactivated]);
    given([registered, deactivated])
      .when({ type: 'identity.DeactivateUser', data: { userId: 'ada' } })
      .then([]);
    given([registered, deactivated])
      .when({ type: 'identity.ChangeEmail', data: { userId: 'ada', email: 'b@example.com' } })
      .then(new DomainError('USER_DEACTIVATED', 'User ada is deactivated'));
  });
});
