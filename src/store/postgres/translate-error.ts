import {
  DuplicateCommandError,
  InvalidArgumentError,
  StoreUnavailableError,
  type UnavailableReason,
} from '../errors.js';
import type { PostgresErrorFields } from './drivers/types.js';

/** SQLSTATE of a unique-key violation. */
const UNIQUE_VIOLATION = '23505';
/** jsonb refuses `\u0000` (and, on some servers, lone surrogates) in strings. */
const UNSUPPORTED_UNICODE = '22P05';
/** Invalid text for a type: for a jsonb value, a lone surrogate escape (`"\ud800"`). */
const INVALID_TEXT = '22P02';

/** The SQLSTATE of a driver error, if it is a PostgreSQL error. */
function sqlState(error: unknown): string | undefined {
  return (error as PostgresErrorFields | undefined)?.code;
}

/** True when `error` is the events table's unique (stream, version) key refusing a second writer. */
export function isStreamVersionTaken(error: unknown): boolean {
  return (
    sqlState(error) === UNIQUE_VIOLATION &&
    (error as PostgresErrorFields).constraint === 'events_stream_version_key'
  );
}

/**
 * Turns driver errors that mean bad input into Strata's typed errors; returns others unchanged.
 * Concurrency conflicts are handled by the caller, which knows the stream and expected version.
 */
export function translateAppendError(error: unknown, commandId: string | undefined): unknown {
  const code = sqlState(error);
  if (code === UNIQUE_VIOLATION && commandId !== undefined) {
    if ((error as PostgresErrorFields).constraint === 'commands_pkey') {
      return new DuplicateCommandError(commandId);
    }
  }
  const unstorableJson =
    code === INVALID_TEXT && error instanceof Error && /\bjson\b/i.test(error.message);
  if (code === UNSUPPORTED_UNICODE || unstorableJson) {
    return new InvalidArgumentError(
      'event data and metadata',
      'must not contain the NUL character (\\u0000) or unpaired surrogates, which PostgreSQL cannot store',
      { cause: error },
    );
  }
  return error;
}

/** Network failures of the driver itself (no SQLSTATE): the server is gone or restarting. */
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** `pg`'s own errors, with no code, when the server closed the connection. */
const CONNECTION_LOST = /^Connection terminated( unexpectedly)?$|is not queryable/;

/**
 * Why `error` means the database refuses work for now, if it does: SQLSTATE 25006 (read-only
 * transaction: `default_transaction_read_only`, a standby), class 53 (53100 disk full, out of
 * memory or connections), class 08 and 57P01-57P03 (connection lost, shutting down, starting),
 * and the driver's own "connection lost" errors.
 */
export function unavailableReason(error: unknown): UnavailableReason | undefined {
  if (error instanceof StoreUnavailableError) return error.reason;
  const code = sqlState(error);
  if (code === undefined) {
    return error instanceof Error && CONNECTION_LOST.test(error.message)
      ? 'unreachable'
      : undefined;
  }
  if (code === '25006') return 'read-only';
  if (code === '53100') return 'disk-full';
  if (code.startsWith('53')) return 'out-of-resources';
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || NETWORK_ERRORS.has(code)) {
    return 'unreachable';
  }
  return undefined;
}

/** `error` as a `StoreUnavailableError` (keeping it as the cause) when it is one; else as is. */
export function translateUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = unavailableReason(error);
  return reason === undefined ? error : new StoreUnavailableError(reason, { cause: error });
}
