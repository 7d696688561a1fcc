import { Type, type Static } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';

import type { ValidationContext } from '../domain/index.js';
import { defineQuery } from './define.js';
import type { QueryRunner } from './query-runner.js';

const UserResult = Type.Object({
  userId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]),
});
type UserView = Static<typeof UserResult>;

const GetUser = defineQuery({
  name: 'identity.GetUser',
  params: Type.Object({ userId: Type.String() }),
  result: UserResult,
  projections: ['identity.users'],
  handler: (): Promise<UserView | undefined> => Promise.resolve(undefined),
});

declare const queries: QueryRunner;
declare const validation: ValidationContext;

describe('typed queries', () => {
  it('answers with the result type the query declares, given its definition', () => {
    expectTypeOf(queries.run(GetUser, { userId: 'ada' })).resolves.toEqualTypeOf<
      UserView | undefined
    >();
    expectTypeOf(validation.query(GetUser, { userId: 'ada' })).resolves.toEqualTypeOf<
      UserView | undefined
    >();
  });

  it('checks the parameters against the definition', () => {
    // @ts-expect-error: `userId` is a string
    void queries.run(GetUser, { userId: 1 });
    // @ts-expect-error: `userId` is required
    void validation.query(GetUser, {});
  });

  it('answers unknown when run by name, as HTTP does', () => {
    expectTypeOf(queries.run('identity.GetUser', { userId: 'ada' })).resolves.toBeUnknown();
  });
});
