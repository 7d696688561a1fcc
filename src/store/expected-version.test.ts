import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from './errors.js';
import { createPgliteDriver } from './postgres/drivers/pglite.js';
import {
  acceptsExpectedVersion,
  ANY,
  encodeExpectedVersion,
  expectedVersionHolds,
  NO_STREAM,
  pinsVersion,
  STREAM_EXISTS,
  type ExpectedVersion,
} from './expected-version.js';

describe('expected versions', () => {
  const cases: [ExpectedVersion, number, boolean][] = [
    [ANY, 0, true],
    [ANY, 7, true],
    [NO_STREAM, 0, true],
    [NO_STREAM, 1, false],
    [STREAM_EXISTS, 0, false],
    [STREAM_EXISTS, 3, true],
    [0, 0, true],
    [2, 2, true],
    [2, 3, false],
  ];

  it.each(cases)('%s against a stream at version %i holds: %s', (expected, actual, holds) => {
    expect(expectedVersionHolds(expected, actual)).toBe(holds);
  });

  it('encodes each so that the SQL condition, run by PostgreSQL, agrees with the rule', async () => {
    const driver = await createPgliteDriver();
    try {
      const condition = acceptsExpectedVersion('$1::bigint', '$2::bigint');
      for (const [expected, actual, holds] of cases) {
        const [row] = await driver.query<{ accepted: boolean }>(`SELECT ${condition} AS accepted`, [
          encodeExpectedVersion(expected),
          actual,
        ]);
        expect(row?.accepted).toBe(holds);
      }
    } finally {
      await driver.close();
    }
  });

  it('pins a version only when it names one', () => {
    expect(
      ([ANY, STREAM_EXISTS, NO_STREAM, 0, 4] as ExpectedVersion[]).map((expected) =>
        pinsVersion(expected),
      ),
    ).toEqual([false, false, true, true, true]);
  });

  it('refuses a number that is no version, and an unknown name', () => {
    for (const bad of [-1, 1.5, Number.NaN, 'latest']) {
      expect(() => encodeExpectedVersion(bad as ExpectedVersion)).toThrow(InvalidArgumentError);
    }
  });
});
