import { describe, it } from 'vitest';

/** What a suite needs from the machine, and whether it is there. */
export interface Requirement {
  /** The test's name when the suite fails for want of it: `needs <what>`. */
  readonly what: string;
  /** `undefined` when it is there; otherwise what is missing and how to get it. */
  readonly problem: string | undefined;
}

/**
 * `describe` for a suite that needs something of the machine (a server, a binary): run when it
 * is there; when it is not, failed under CI=true, else skipped with a loud warning — never
 * silently green.
 */
export function describeNeeding(requirement: Requirement, name: string, suite: () => void): void {
  const { problem } = requirement;
  if (problem === undefined) {
    describe(name, suite);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${requirement.what}`, () => {
        throw new Error(`${problem}; CI=true, so this suite fails instead of skipping`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${problem} ***\n`);
  describe.skip(name, suite);
}
