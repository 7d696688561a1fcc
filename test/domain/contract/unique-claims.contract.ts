import { beforeAll, describe, expect, it } from 'vitest';

import { devpie } from '../../../examples/devpie/app.js';
import { identityEvents, uniqueEmail } from '../../../examples/devpie/identity/index.js';
import { createSystem, type StrataSystem } from '../../../src/app/index.js';
import type { MessageRegistry } from '../../../src/messages/index.js';
import type { NewEvent, PostgresEventStore, SqlExecutor } from '../../../src/store/index.js';
import {
  backfillUniqueClaims,
  defineUniqueConstraint,
  uniqueClaimsHook,
  UniqueValueTakenError,
} from '../../../src/uniqueness/index.js';
import { collect } from '../../support/async.js';
import { untilReadable, type TestDatabase } from '../../support/test-database.js';

const at = '2026-11-23T10:00:00.000Z';

const registered = (userId: string, email: string): NewEvent => ({
  type: 'identity.UserRegistered',
  data: { userId, email, name: userId, registeredAt: at },
});
const fresh = () => crypto.randomUUID().slice(0, 8);

/**
 * Devpie's unique e-mail constraint, enforced by the store of the devpie system on both engines
 * (the system is not started: commands alone are under test).
 */
export function uniqueClaimsContract(db: () => TestDatabase): void {
  describe('unique constraints', () => {
    let system: StrataSystem;
    let store: PostgresEventStore;
    let registry: MessageRegistry;
    beforeAll(async () => {
      system = await createSystem({ app: devpie, driver: db().driver });
      ({ store, registry } = system);
    });
    const send = (type: string, data: Record<string, unknown>) =>
      system.commands.send({ type, data });
    const register = (userId: string, email: string) =>
      send('identity.RegisterUser', { userId, email, name: userId });
    const claimOf = async (value: string, sql: SqlExecutor = db().driver) => {
      const rows = await sql.query<{ owner_stream_id: string }>(
        'SELECT owner_stream_id FROM unique_claims WHERE constraint_name = $1 AND value = $2',
        [uniqueEmail.name, value],
      );
      return rows[0]?.owner_stream_id;
    };
    const registrationsOf = async (email: string) => {
      await untilReadable(db());
      return (await collect(store.readAll({ types: ['identity.UserRegistered'] }))).filter(
        (event) => (event.data as { email: string }).email.toLowerCase() === email,
      );
    };

    it('lets exactly one of 50 concurrent registrations of one address through', async () => {
      const email = `race-${fresh()}@example.com`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, index) =>
          register(`racer-${index}-${fresh()}`, index % 2 === 0 ? email : email.toUpperCase()),
        ),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(49);
      const winner = won[0]!.value.streamId;
      for (const error of lost) {
        expect(error).toBeInstanceOf(UniqueValueTakenError);
        expect(error).toMatchObject({
          code: 'UNIQUE_VALUE_TAKEN',
          scope: 'identity.unique-email',
          value: email,
          owner: winner,
        });
      }
      expect((await registrationsOf(email)).map((event) => event.streamId)).toEqual([winner]);
      expect(await claimOf(email)).toBe(winner);
    });

    it('a change of e-mail releases the old address and claims the new one', async () => {
      const [ada, bob, old, next] = [
        fresh(),
        fresh(),
        `old-${fresh()}@x.io`,
        `new-${fresh()}@x.io`,
      ];
      await register(ada, old);
      await send('identity.ChangeEmail', { userId: ada, email: next });
      await expect(register(bob, next)).rejects.toMatchObject({ owner: `user-${ada}` });
      const taken = await register(bob, old);
      expect(taken.events).toHaveLength(1);
      expect(await claimOf(old)).toBe(`user-${bob}`);
      expect(await claimOf(next)).toBe(`user-${ada}`);
    });

    it('deactivation releases the address for another user', async () => {
      const [ada, bob, email] = [fresh(), fresh(), `gone-${fresh()}@x.io`];
      await register(ada, email);
      await expect(register(bob, email)).rejects.toBeInstanceOf(UniqueValueTakenError);
      await send('identity.DeactivateUser', { userId: ada });
      expect(await claimOf(email)).toBeUndefined();
      await register(bob, email);
      expect(await claimOf(email)).toBe(`user-${bob}`);
    });

    it('a stream claiming a value it holds again (in another case) is a no-op', async () => {
      const [ada, email] = [fresh(), `same-${fresh()}@x.io`];
      await register(ada, email);
      await send('identity.ChangeEmail', { userId: ada, email: email.toUpperCase() });
      expect(await claimOf(email)).toBe(`user-${ada}`);
    });

    it('raw appends honour it too, and a refused append stores nothing', async () => {
      const [ada, bob, email] = [fresh(), fresh(), `raw-${fresh()}@x.io`];
      await store.appendToStream(`user-${ada}`, [registered(ada, email)]);
      const before = await db().countEvents();
      await expect(
        store.appendToStream(`user-${bob}`, [registered(bob, email.toUpperCase())]),
      ).rejects.toBeInstanceOf(UniqueValueTakenError);
      expect(await db().countEvents()).toBe(before);
      expect(await store.streamVersion(`user-${bob}`)).toBe(0);
    });

    it('a claim inside a transaction that rolls back leaves no claim', async () => {
      const [ada, bob, email] = [fresh(), fresh(), `rollback-${fresh()}@x.io`];
      await expect(
        store.transaction(async (tx) => {
          await tx.appendToStream(`user-${ada}`, [registered(ada, email)]);
          expect(await claimOf(email, tx.sql)).toBe(`user-${ada}`);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await claimOf(email)).toBeUndefined();
      await register(bob, email);
      expect(await claimOf(email)).toBe(`user-${bob}`);
    });

    it('a transaction that swallows the refusal cannot commit the refused events', async () => {
      const [ada, bob, email] = [fresh(), fresh(), `swallow-${fresh()}@x.io`];
      await register(ada, email);
      const before = await db().countEvents();
      let refusal: unknown;
      // PostgreSQL rolls an aborted transaction back at commit; the caller is told so.
      await expect(
        store.transaction(async (tx) => {
          await tx
            .appendToStream(`user-${bob}`, [registered(bob, email)])
            .catch((error: unknown) => {
              refusal = error;
            });
        }),
      ).rejects.toThrow(/rolled back/);
      expect(refusal).toBeInstanceOf(UniqueValueTakenError);
      expect(await db().countEvents()).toBe(before);
      expect(await claimOf(email)).toBe(`user-${ada}`);
    });

    it('with perOwner "many" a stream keeps every value it claimed until released', async () => {
      const everEmail = defineUniqueConstraint({
        name: `test.any-email-${fresh()}`,
        events: identityEvents,
        perOwner: 'many',
        claims: { 'identity.UserEmailChanged': (event) => event.data.email },
        releases: { 'identity.UserRegistered': (event) => event.data.email },
      });
      const many = await db().openStore({ registry });
      many.addAppendHook(uniqueClaimsHook([everEmail]));
      const [ada, bob, first, second] = [
        fresh(),
        fresh(),
        `a-${fresh()}@x.io`,
        `b-${fresh()}@x.io`,
      ];
      const changed = (userId: string, email: string) => ({
        type: 'identity.UserEmailChanged',
        data: { userId, email },
      });
      await many.appendToStream(`user-${ada}`, [changed(ada, first), changed(ada, second)]);
      await expect(
        many.appendToStream(`user-${bob}`, [changed(bob, first)]),
      ).rejects.toBeInstanceOf(UniqueValueTakenError);
      await many.appendToStream(`user-${ada}`, [registered(ada, first)]);
      await many.appendToStream(`user-${bob}`, [changed(bob, first)]);
      await expect(
        many.appendToStream(`user-${bob}`, [changed(bob, second)]),
      ).rejects.toBeInstanceOf(UniqueValueTakenError);
    });

    it('a backfill claims what the log claimed before the constraint, once, first claimer first', async () => {
      const late = defineUniqueConstraint({
        name: `test.late-email-${fresh()}`,
        events: identityEvents,
        normalize: (email) => email.toLowerCase(),
        claims: { 'identity.UserRegistered': (event) => event.data.email },
        releases: { 'identity.UserDeactivated': 'all' },
      });
      const plain = await db().openStore({ registry });
      const [ada, bob, cy, email, gone] = [
        fresh(),
        fresh(),
        fresh(),
        `late-${fresh()}@x.io`,
        `left-${fresh()}@x.io`,
      ];
      // Written before the constraint existed: a duplicate, and an address given up again.
      await plain.appendToStream(`user-${ada}`, [registered(ada, email)]);
      await plain.appendToStream(`user-${bob}`, [registered(bob, email.toUpperCase())]);
      await plain.appendToStream(`user-${cy}`, [
        registered(cy, gone),
        { type: 'identity.UserDeactivated', data: { userId: cy, deactivatedAt: at } },
      ]);

      const conflicts = await backfillUniqueClaims(plain, [late]);
      expect(conflicts.filter((conflict) => conflict.value === email)).toEqual([
        expect.objectContaining({ owner: `user-${ada}`, claimant: `user-${bob}` }),
      ]);
      const claims = await db().driver.query<{ value: string; owner_stream_id: string }>(
        'SELECT value, owner_stream_id FROM unique_claims WHERE constraint_name = $1',
        [late.name],
      );
      expect(claims).toContainEqual({ value: email, owner_stream_id: `user-${ada}` });
      expect(claims.map((claim) => claim.value)).not.toContain(gone);
      expect(await backfillUniqueClaims(plain, [late])).toEqual([]);

      plain.addAppendHook(uniqueClaimsHook([late]));
      const dan = fresh();
      await expect(
        plain.appendToStream(`user-${dan}`, [registered(dan, email)]),
      ).rejects.toMatchObject({ scope: late.name, owner: `user-${ada}` });
      await plain.appendToStream(`user-${dan}`, [registered(dan, gone)]);
    });
  });
}
