import { afterAll, describe, it } from 'vitest';

import { commandRequest, httpSpec, queryRequest } from 'strata';
import { devpie } from '../app.js';
import { ChangeEmail, DeactivateUser, FindUserByEmail, GetUser, RegisterUser } from './index.js';

const register = (userId: string, email: string) =>
  commandRequest(RegisterUser, { userId, email, name: userId });

describe('identity over HTTP', () => {
  const given = httpSpec(devpie);
  afterAll(() => given.close());

  it('registers a user, found by id and by e-mail address', async () => {
    await given([])
      .when(register('ada', 'ada@example.com'))
      .then({
        status: 200,
        body: { streamId: 'user-ada', version: 1 },
        events: [
          { type: 'identity.UserRegistered', data: { userId: 'ada', email: 'ada@example.com' } },
        ],
      });
    await given([register('ada', 'ada@example.com')])
      .when(queryRequest(GetUser, { userId: 'ada' }))
      .then({ status: 200, body: { userId: 'ada', email: 'ada@example.com', status: 'active' } });
    await given([register('ada', 'ada@example.com')])
      .when(queryRequest(FindUserByEmail, { email: 'ADA@example.com' }))
      .then({ status: 200, body: { userId: 'ada' } });
  });

  it('refuses an e-mail address another user has, in any case', async () => {
    await given([register('ada', 'ada@example.com')])
      .when(register('eve', 'Ada@Example.com'))
      .then({ status: 409, body: { code: 'UNIQUE_VALUE_TAKEN', value: 'ada@example.com' } });
    await given([register('ada', 'ada@example.com'), register('eve', 'eve@example.com')])
      .when(commandRequest(ChangeEmail, { userId: 'eve', email: 'ada@example.com' }))
      .then({ status: 409, body: { code: 'UNIQUE_VALUE_TAKEN' } });
  });

  it('frees the address of a deactivated user', async () => {
    await given([
      register('ada', 'ada@example.com'),
      commandRequest(DeactivateUser, { userId: 'ada' }),
    ])
      .when(register('eve', 'ada@example.com'))
      .then({ status: 200 });
  });

  it('answers 404 for a user nobody registered', async () => {
    await given([])
      .when(queryRequest(GetUser, { userId: 'nobody' }))
      .then({ status: 404, headers: { 'content-type': /^application\/problem\+json/ } });
  });
});
