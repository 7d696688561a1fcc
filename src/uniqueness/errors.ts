import { StrataError } from '../errors.js';

/**
 * An append claimed a unique value another stream holds; nothing of the append was stored.
 * The message names the constraint and the value, never the owner (an HTTP client sees it).
 */
export class UniqueValueTakenError extends StrataError {
  readonly code = 'UNIQUE_VALUE_TAKEN';

  /**
   * @param scope the unique constraint's name, e.g. `identity.unique-email`
   * @param value the value as claimed, normalised
   * @param owner the stream holding it
   */
  constructor(
    readonly scope: string,
    readonly value: string,
    readonly owner: string,
    options?: ErrorOptions,
  ) {
    super(`${JSON.stringify(value)} is taken (${scope})`, options);
  }
}

/** True for a `UniqueValueTakenError`. */
export function isUniqueValueTakenError(error: unknown): error is UniqueValueTakenError {
  return error instanceof UniqueValueTakenError;
}

/** A unique constraint definition breaks a rule (name, no claims, declared twice). */
export class InvalidUniqueConstraintError extends StrataError {
  readonly code = 'INVALID_UNIQUE_CONSTRAINT';

  constructor(
    readonly constraint: string,
    readonly reason: string,
  ) {
    super(`Unique constraint ${JSON.stringify(constraint)} is invalid: ${reason}`);
  }
}
