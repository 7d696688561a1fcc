import { AssertionError } from 'node:assert';

import { describe, expect, it } from 'vitest';

import type { Decider } from './decider.js';
import { deciderSpec } from './decider-spec.js';
import { DomainError } from './errors.js';

type Command = { type: 'Add'; data: { amount: number } } | { type: 'Reset'; data: object };
type Event =
  { type: 'Added'; data: { amount: number; at: string } } | { type: 'Cleared'; data: object };

const counter: Decider<Command, Event, number> = {
  initialState: () => 0,
  evolve: (total, event) => (event.type === 'Added' ? total + event.data.amount : 0),
  decide(command, total, { now }) {
    if (command.type === 'Reset') return total === 0 ? [] : { type: 'Cleared', data: {} };
    if (total + command.data.amount > 10)
      throw new DomainError('TOO_MUCH', 'The total would pass 10');
    return { type: 'Added', data: { amount: command.data.amount, at: now.toISOString() } };
  },
};

const at = '2026-01-01T00:00:00.000Z';
const added = (amount: number): Event => ({ type: 'Added', data: { amount, at } });

describe('decider specifications', () => {
  const given = deciderSpec(counter);

  it('passes when decide returns the expected events', () => {
    given([added(2)])
      .when({ type: 'Add', data: { amount: 3 } })
      .then([added(3)]);
    given([]).when({ type: 'Reset', data: {} }).then([]);
    given([added(1)])
      .when({ type: 'Reset', data: {} })
      .then([{ type: 'Cleared', data: {} }]);
  });

  it('passes when decide throws the expected error, by class or by value', () => {
    const tooMuch = { type: 'Add', data: { amount: 5 } } as const;
    given([added(8)])
      .when(tooMuch)
      .then(DomainError);
    given([added(8)])
      .when(tooMuch)
      .then(new DomainError('TOO_MUCH', 'The total would pass 10'));
  });

  it('fails on other events, on a missing error and on a different error code', () => {
    const add3 = { type: 'Add', data: { amount: 3 } } as const;
    expect(() => {
      given([])
        .when(add3)
        .then([added(4)]);
    }).toThrow(AssertionError);
    expect(() => {
      given([]).when(add3).then(DomainError);
    }).toThrow(/expected a DomainError/);
    expect(() => {
      given([added(9)])
        .when(add3)
        .then(new DomainError('OTHER', 'The total would pass 10'));
    }).toThrow(AssertionError);
    expect(() => {
      given([added(9)])
        .when(add3)
        .then([]);
    }).toThrow(DomainError);
  });

  it('uses the injected clock', () => {
    const later = new Date('2030-05-05T00:00:00.000Z');
    deciderSpec(counter, { now: later })([])
      .when({ type: 'Add', data: { amount: 1 } })
      .then([{ type: 'Added', data: { amount: 1, at: later.toISOString() } }]);
  });
});
