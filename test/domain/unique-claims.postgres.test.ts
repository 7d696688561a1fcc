import { expect, it } from 'vitest';

import { identityEvents } from '../../examples/devpie/identity/index.js';
import { createMessageRegistry } from '../../src/messages/index.js';
import { ConcurrencyError } from '../../src/store/index.js';
import { defineUniqueConstraint, uniqueClaimsHook } from '../../src/uniqueness/index.js';
import { deferred } from '../support/async.js';
import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { uniqueClaimsContract } from './contract/unique-claims.contract.js';

describePostgres('unique constraints on PostgreSQL', () => {
  const db = useTestDatabase('pg');
  uniqueClaimsContract(db);

  // Needs two connections at once, which PGlite does not have.
  it('claims in opposite orders deadlock into a ConcurrencyError (retryable), not a hang or a 500', async () => {
    const pair = defineUniqueConstraint({
      name: 'test.pair',
      events: identityEvents,
      perOwner: 'many',
      claims: { 'identity.UserEmailChanged': (event) => event.data.email },
    });
    const store = await db().openStore({ registry: createMessageRegistry(identityEvents) });
    store.addAppendHook(uniqueClaimsHook([pair]));
    const claim = (userId: string, email: string) => ({
      type: 'identity.UserEmailChanged',
      data: { userId, email },
    });
    const claimed = [deferred(), deferred()] as const;
    const both = (index: 0 | 1, first: string, second: string) =>
      store.transaction(async (tx) => {
        await tx.appendToStream(`user-${index}`, [claim(`${index}`, first)]);
        claimed[index].resolve();
        await claimed[1 - index]!.promise;
        await tx.appendToStream(`user-${index}`, [claim(`${index}`, second)]);
      });
    const outcomes = await Promise.allSettled([
      both(0, 'p@x.io', 'q@x.io'),
      both(1, 'q@x.io', 'p@x.io'),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [lost] = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
    );
    expect(lost).toBeInstanceOf(ConcurrencyError);
  });
});
