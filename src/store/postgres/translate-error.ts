import { DuplicateCommandError, InvalidArgumentError } from '../errors.js';
import type { PostgresErrorFields } from './drivers/types.js';

/** SQLSTATE of a unique-key violation. */
const UNIQUE_VIOLATION = '23505';
/** jsonb refuses `\u0000` and lone surrogates in strings. */
const UNSUPPORTED_UNICODE = '22P05';

/** The SQLSTATE of a driver error, if it is a PostgreSQL error. */
export function sqlState(error: unknown): string | undefined {
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
  if (code === UNSUPPORTED_UNICODE) {
    return new InvalidArgumentError(
      'event data and metadata',
      'must not contain the NUL character (\\u0000) or unpaired surrogates, which PostgreSQL cannot store',
    );
  }
  return error;
}
