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
    options?: ErrorOptions,
  ) {
    super(`${argument} ${rule}`, options);
  }
}

/** The command id was recorded already by another append; nothing of this append was stored. */
export class DuplicateCommandError extends StrataError {
  readonly code = 'DUPLICATE_COMMAND';

  constructor(readonly commandId: string) {
    super(`Command ${JSON.stringify(commandId)} was handled already`);
  }
}

/**
 * A stored event this code cannot turn into its current shape: its type is registered nowhere
 * (`unknown-type`), or its stored version or data defeat the upcasters (`unreadable`). Names
 * the event; the cause says what failed.
 */
export class UndecodableEventError extends StrataError {
  readonly code = 'UNDECODABLE_EVENT';

  constructor(
    readonly reason: 'unknown-type' | 'unreadable',
    readonly event: {
      readonly id: string;
      readonly type: string;
      readonly schemaVersion: number;
      readonly streamId: string;
      readonly streamVersion: number;
      readonly globalPosition: number;
    },
    options: ErrorOptions,
  ) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `Event ${event.id} (${event.type} v${event.schemaVersion}, ${event.streamId}@${event.streamVersion}, ` +
        `position ${event.globalPosition}) cannot be decoded${cause}`,
      options,
    );
  }
}

/** Why the database refuses work for now; each clears by itself once the operator fixes it. */
export type UnavailableReason = 'read-only' | 'disk-full' | 'out-of-resources' | 'unreachable';

const UNAVAILABLE_MESSAGES: Readonly<Record<UnavailableReason, string>> = {
  'read-only': 'The database is read-only and does not accept writes now; try again later',
  'disk-full': "The database's disk is full and it does not accept writes now; try again later",
  'out-of-resources': 'The database is out of resources (memory, connections); try again later',
  unreachable: 'The database cannot be reached or is shutting down; try again later',
};

/**
 * The database refuses work for a reason that passes without any change to the request:
 * read-only (a standby, `default_transaction_read_only`), disk full, out of connections, or
 * restarting. The driver's own message stays in `cause`, never in the message.
 */
export class StoreUnavailableError extends StrataError {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly reason: UnavailableReason,
    options?: ErrorOptions,
  ) {
    super(UNAVAILABLE_MESSAGES[reason], options);
  }
}

/** True for a `StoreUnavailableError`: retry later, the request itself is fine. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

/**
 * The log holds transaction ids the PostgreSQL cluster has not reached yet: the database was
 * restored from a logical dump (pg_dump, logical replication) onto another cluster. Readers
 * would see nothing new and appends to existing streams would fail, so the store refuses to open.
 */
export class TransactionCounterBehindError extends StrataError {
  readonly code = 'TRANSACTION_COUNTER_BEHIND';

  constructor(
    readonly lastTransactionId: number,
    readonly nextTransactionId: number,
  ) {
    super(
      `The log was written by transactions up to id ${lastTransactionId}, but this PostgreSQL ` +
        `cluster's transaction counter is only at ${nextTransactionId} (was the database restored ` +
        'from pg_dump onto another cluster?). Strata would neither see new events nor append to ' +
        `existing streams. Advance the cluster's transaction counter past ${lastTransactionId} ` +
        'before starting Strata: see "Moving the database" in the README',
    );
  }
}

/**
 * A transaction's work resolved, but a statement of it had failed (and its error was caught),
 * so PostgreSQL rolled it back at commit: nothing of it was stored.
 */
export class TransactionRolledBackError extends StrataError {
  readonly code = 'TRANSACTION_ROLLED_BACK';

  constructor(options?: ErrorOptions) {
    super(
      'The transaction was rolled back instead of committed: a statement in it failed',
      options,
    );
  }
}
