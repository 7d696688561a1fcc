import { StrataError } from '../errors.js';

/**
 * A business rejection thrown by `decide` (or a validation hook): the command is well-formed but
 * not allowed now. `code` is the domain's own stable identifier. Subclasses are rejections too
 * (the gateway answers each with 422), and `options.cause` is kept for the logs.
 *
 * @example
 * throw new DomainError('PROJECT_ARCHIVED', 'An archived project cannot be renamed');
 */
export class DomainError extends StrataError {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for a business rejection. */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** An idempotency key was reused for a different command; the first one's result stands. */
export class IdempotencyConflictError extends StrataError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(
    readonly commandId: string,
    readonly firstCommandType: string,
  ) {
    super(
      `Command id ${JSON.stringify(commandId)} was already used for a different ` +
        `${firstCommandType} command; use a new id for a new command`,
    );
  }
}
