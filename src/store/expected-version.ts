import { InvalidArgumentError } from './errors.js';

// The optimistic-concurrency rules of an append, stated once: the domain checks a loaded stream
// with `expectedVersionHolds`, the SQL append statement with `acceptsExpectedVersion` over the
// encoding of `encodeExpectedVersion`, and the store tells a conflict from a lost race with both.

/** Expect the stream not to exist yet (same as expecting version 0). */
export const NO_STREAM = 'no_stream';
/** Expect the stream to hold at least one event, whatever its version. */
export const STREAM_EXISTS = 'stream_exists';
/** Append whatever the stream's version is. */
export const ANY = 'any';

/**
 * The optimistic-concurrency check of an append: an exact version (0 = no stream yet),
 * `NO_STREAM`, `STREAM_EXISTS` or `ANY`.
 */
export type ExpectedVersion = number | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

/** Whether a stream at version `actual` (0 = no stream) meets `expected`. */
export function expectedVersionHolds(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case ANY:
      return true;
    case STREAM_EXISTS:
      return actual > 0;
    case NO_STREAM:
      return actual === 0;
    default:
      return expected === actual;
  }
}

/**
 * Whether `expected` names one version: then another writer's append in between is the
 * caller's conflict. `ANY` and `STREAM_EXISTS` may simply try again at the new end.
 */
export function pinsVersion(expected: ExpectedVersion): boolean {
  return expected !== ANY && expected !== STREAM_EXISTS;
}

/** `ANY` as the append statement's expected-version parameter. */
const ENCODED_ANY = -1;
/** `STREAM_EXISTS` as the append statement's expected-version parameter. */
const ENCODED_STREAM_EXISTS = -2;

/** `InvalidArgumentError` unless `expected` is a version >= 0 or one of the three names. */
export function assertValidExpectedVersion(expected: ExpectedVersion): void {
  if (expected === ANY || expected === STREAM_EXISTS || expected === NO_STREAM) return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidArgumentError(
      'expectedVersion',
      `must be a version >= 0, NO_STREAM, STREAM_EXISTS or ANY; got ${String(expected)}`,
    );
  }
}

/**
 * `expected` as the append statement's parameter: a version >= 0 (0 = no stream), or a negative
 * code for `ANY` and `STREAM_EXISTS`. `InvalidArgumentError` for a number that is no version.
 */
export function encodeExpectedVersion(expected: ExpectedVersion): number {
  assertValidExpectedVersion(expected);
  switch (expected) {
    case ANY:
      return ENCODED_ANY;
    case STREAM_EXISTS:
      return ENCODED_STREAM_EXISTS;
    case NO_STREAM:
      return 0;
    default:
      return expected;
  }
}

/**
 * The SQL condition `expectedVersionHolds` states, over the encoded expected version `param`
 * (a bigint expression) and the stream's version `version`.
 */
export function acceptsExpectedVersion(param: string, version: string): string {
  return `(${param} = ${ENCODED_ANY} OR (${param} = ${ENCODED_STREAM_EXISTS} AND ${version} > 0)
       OR ${version} = ${param})`;
}
