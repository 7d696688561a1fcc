import { AssertionError } from 'node:assert';

import { Type } from 'typebox';
import { afterAll, describe, expect, it } from 'vitest';

import { defineEvent } from '../messages/index.js';
import { defineProjection } from '../projections/index.js';
import { projectionSpec } from './projection-spec.js';

const Opened = defineEvent({
  name: 'accounts.Opened',
  schema: Type.Object({ accountId: Type.String(), owner: Type.String() }),
});
const Deposited = defineEvent({
  name: 'accounts.Deposited',
  schema: Type.Object({ accountId: Type.String(), amount: Type.Number() }),
});
const events = [Opened, Deposited] as const;

interface Balance extends Record<string, unknown> {
  readonly owner: string;
  readonly balance: number;
}

const opened = { type: 'accounts.Opened', data: { accountId: 'a1', owner: 'ada' } } as const;
const deposited = (amount: number) =>
  ({ type: 'accounts.Deposited', data: { accountId: 'a1', amount } }) as const;

function balances(inline: boolean, failOn?: number) {
  return defineProjection({
    name: inline ? 'accounts.inline' : 'accounts.balances',
    version: 1,
    inline,
    events,
    handlers: {
      'accounts.Opened': (event, views) =>
        views
          .collection<Balance>('balances')
          .insert(event.data.accountId, { owner: event.data.owner, balance: 0 }),
      'accounts.Deposited': async (event, views) => {
        if (event.data.amount === failOn) throw new Error(`refusing ${failOn}`);
        const collection = views.collection<Balance>('balances');
        const current = await collection.get(event.data.accountId);
        await collection.patch(event.data.accountId, {
          balance: (current?.balance ?? 0) + event.data.amount,
        });
      },
    },
  });
}

describe.each([false, true])('projection specifications (inline: %s)', (inline) => {
  const given = projectionSpec(balances(inline, 13));
  afterAll(() => given.close());

  it('passes when the read model is the one expected, each case on an empty store', async () => {
    await given([opened, deposited(5), deposited(3)]).then({
      balances: { a1: { owner: 'ada', balance: 8 } },
    });
    await given([]).then({ balances: { a1: undefined } });
    await given([opened, { ...deposited(2), streamId: 'other-stream' }]).then({
      balances: { a1: { owner: 'ada', balance: 2 } },
    });
  });

  it('fails with a diff naming the document when a document differs', async () => {
    const failure = await given([opened, deposited(5)])
      .then({ balances: { a1: { owner: 'ada', balance: 6 } } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AssertionError);
    expect((failure as Error).message).toMatch(/balances\/a1/);
    expect((failure as Error).message).toMatch(/balance: 6/);
  });

  it('fails when a document the spec does not list, or says is absent, is there', async () => {
    await expect(given([opened]).then({ balances: {} })).rejects.toThrow(
      /collection balances holds 1 documents, the spec lists 0/,
    );
    await expect(given([opened]).then({ balances: { a1: undefined } })).rejects.toThrow(
      AssertionError,
    );
  });

  it('fails with the error of a handler that throws', async () => {
    await expect(given([opened, deposited(13)]).then({ balances: {} })).rejects.toThrow(
      /refusing 13/,
    );
  });
});
