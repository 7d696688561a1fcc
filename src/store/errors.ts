import { StrataError } from '../errors.js';

/** The stream's version did not match the append's expected version. */
export class ConcurrencyError extends StrataError {
  readonly code = 'CONCURRENCY_CONFLICT';

  /**
   * @param expected the expected version the append carried
   * @param actual the stream's version when the append was refused; `undefined` when it could
   *   not be read (the conflict aborted the caller's transaction)
   */
  constructor(
    readonly streamId: string,
    readonly expected: string | number,
    readonly actual: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `Stream ${JSON.stringify(streamId)} is at version ${actual ?? 'unknown (newer)'}, ` +
        `but the append expected ${expected}`,
      options,
    );
  }
}

/** True for a `ConcurrencyError`; retry policies use it to decide whether to reload and retry. */
export function isConcurrencyError(error: unknown): error is ConcurrencyError {
  return error instanceof ConcurrencyError;
}

/** The stream id breaks a rule: empty, too long, or containing control characters. */
export class InvalidStreamIdError extends StrataError {
  readonly code = 'INVALID_STREAM_ID';

  constructor(
    readonly streamId: string,
    readonly rule: string,
  ) {
    super(`Stream id ${JSON.stringify(streamId)} is invalid: ${rule}`);
  }
}

/** An event's serialised data and metadata exceed the configured limit. */
export class EventTooLargeError extends StrataError {
  readonly code = 'EVENT_TOO_LARGE';

  constructor(
    readonly eventType: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`Event ${eventType} is ${size} bytes; the limit is ${limit} bytes`);
  }
}

/** A read-all cursor is not a token this store issued. */
export class InvalidCursorError extends StrataError {
  readonly code = 'INVALID_CURSOR';

  constructor(readonly cursor: string) {
    super(`${JSON.stringify(cursor)} is not a valid log cursor`);
  }
}

/** Options of a store call break a rule (a negative limit, a version below 0, …). */
export class InvalidArgumentError extends StrataError {
  readonly code = 'INVALID_ARGUMENT';

  constructor(
    readonly argument: string,
    readonly rule: string,
  ) {
    super(`${argument} ${rule}`);
  }
}

/** The command id was recorded already by another append; nothing of this append was stored. */
export class DuplicateCommandError extends StrataError {
  readonly code = 'DUPLICATE_COMMAND';

  constructor(readonly commandId: string) {
    super(`Command ${JSON.stringify(commandId)} was handled already`);
  }
}
