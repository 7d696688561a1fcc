import assert from 'node:assert/strict';

import {
  decidedEvents,
  foldEvents,
  type DecideContext,
  type Decider,
  type Message,
} from './decider.js';
import { DomainError } from './errors.js';

/** An error class (`DomainError`, `ValidationError`, …) a command is expected to throw. */
type ErrorClass = abstract new (...args: never[]) => Error;

/** What `when(command)` is expected to do: these events, an error of this class, or this error. */
export type Expectation<Event> = readonly Event[] | ErrorClass | Error;

/** Fixed clock and ids, so a spec's expected events can name them. */
const FIXED_CONTEXT: DecideContext = {
  now: new Date('2026-01-01T00:00:00.000Z'),
  newId: () => '00000000-0000-7000-8000-000000000000',
};

/**
 * Given/when/then tests for a decider, with no store: `given` past events, `when` a command,
 * `then` the events decided or the error thrown. Assertion failures throw `AssertionError`,
 * which every test runner reports.
 *
 * @example
 * const given = deciderSpec(projectDecider);
 * given([projectCreated]).when(renameProject).then([projectRenamed]);
 * given([]).when(renameProject).then(new DomainError('PROJECT_NOT_FOUND', 'No such project'));
 */
export function deciderSpec<Command extends Message, Event extends Message, State>(
  decider: Decider<Command, Event, State>,
  context: Partial<DecideContext> = {},
) {
  const decideContext = { ...FIXED_CONTEXT, ...context };
  return function given(history: readonly Event[]) {
    return {
      when(command: Command) {
        return {
          then(expected: Expectation<Event>): void {
            const state = foldEvents(decider, history);
            let decided: readonly Event[];
            try {
              decided = decidedEvents(decider.decide(command, state, decideContext));
            } catch (error) {
              if (Array.isArray(expected)) throw error;
              assertMatchingError(error, expected as ErrorClass | Error);
              return;
            }
            if (!Array.isArray(expected)) {
              assert.fail(
                `expected ${describe(expected as ErrorClass | Error)}, but decide returned ${JSON.stringify(decided)}`,
              );
            }
            assert.deepStrictEqual(decided, expected);
          },
        };
      },
    };
  };
}

function assertMatchingError(error: unknown, expected: ErrorClass | Error): void {
  if (typeof expected === 'function') {
    assert.ok(error instanceof expected, `expected ${describe(expected)}, got ${String(error)}`);
    return;
  }
  assert.ok(
    error instanceof expected.constructor,
    `expected ${describe(expected)}, got ${String(error)}`,
  );
  if (expected instanceof DomainError && error instanceof DomainError) {
    assert.equal(error.code, expected.code);
  }
  assert.equal((error as Error).message, expected.message);
}

function describe(expected: ErrorClass | Error): string {
  return typeof expected === 'function' ? `a ${expected.name}` : String(expected);
}
