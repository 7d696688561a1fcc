import assert, { AssertionError } from 'node:assert/strict';

/**
 * `actual` cut down to the shape of `expected`: objects keep only the keys `expected` names,
 * arrays keep their length and are cut element by element. Comparing the cut with `expected`
 * checks "contains at least" while the assertion's diff still shows like for like.
 */
function shapedLike(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item: unknown, index) =>
      index < expected.length ? shapedLike(item, expected[index]) : item,
    );
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    return Object.fromEntries(
      Object.keys(expected).map((key) => [key, shapedLike(actual[key], expected[key])]),
    );
  }
  return actual;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Asserts that `actual` has every field `expected` lists, with equal values (recursively;
 * arrays must have the same length). Throws `AssertionError` with a diff and `message`.
 */
export function assertContains(actual: unknown, expected: unknown, context: string): void {
  assertDeepEqual(shapedLike(actual, expected), expected, context);
}

/** `assert.deepStrictEqual`, its failure led by `context` and still carrying its diff. */
export function assertDeepEqual(actual: unknown, expected: unknown, context: string): void {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    throw new AssertionError({
      message: `${context}\n${error.message}`,
      actual,
      expected,
      operator: 'deepStrictEqual',
    });
  }
}
