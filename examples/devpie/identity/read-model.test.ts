import { afterAll, describe, it } from 'vitest';

import { projectionSpec } from 'strata';
import { userDirectory } from './read-model.js';

const at = '2026-01-01T00:00:00.000Z';
const registered = {
  type: 'identity.UserRegistered',
  data: { userId: 'ada', email: 'Ada@Example.com', name: 'Ada', registeredAt: at },
} as const;

describe('the user directory', () => {
  const given = projectionSpec(userDirectory);
  afterAll(() => given.close());

  it('lists a registered user, her e-mail address lower-case', async () => {
    await given([registered]).then({
      users: { ada: { userId: 'ada', email: 'ada@example.com', name: 'Ada', status: 'active' } },
    });
  });

  it('follows e-mail changes and deactivation', async () => {
    await given([
      registered,
      { type: 'identity.UserEmailChanged', data: { userId: 'ada', email: 'Lovelace@Example.com' } },
      { type: 'identity.UserDeactivated', data: { userId: 'ada', deactivatedAt: at } },
    ]).then({
      users: {
        ada: { userId: 'ada', email: 'lovelace@example.com', name: 'Ada', status: 'deactivated' },
      },
    });
  });
});
