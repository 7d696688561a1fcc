import { createHash } from 'node:crypto';

import { isStrataError } from '../errors.js';
import type { CommandRecord, EventStore, RecordedCommand } from '../store/index.js';
import { canonicalJson } from './canonical-json.js';
import { resultOf, type CommandResult } from './command-result.js';
import { IdempotencyConflictError } from './errors.js';

/**
 * What is recorded of a command sent under idempotency key `id`. The fingerprint hashes the
 * type and the canonical JSON of the data, so the same fields in another order are the same
 * command.
 */
export function commandRecordOf(id: string, type: string, data: unknown): CommandRecord {
  const fingerprint = createHash('sha256')
    .update(type)
    .update('\n')
    .update(canonicalJson(data))
    .digest('base64url');
  return { id, type, fingerprint };
}

/** The first result of a repeated command; `IdempotencyConflictError` when it was another command. */
export function repeatedResult(first: RecordedCommand, fingerprint: string): CommandResult {
  if (first.fingerprint !== fingerprint) throw new IdempotencyConflictError(first.id, first.type);
  return { ...resultOf(first.id, first.result), duplicate: true };
}

/**
 * The first result when `error` came from handling a repeat: a concurrent first attempt with the
 * same key committed meanwhile, so this attempt's business rejection, lost race or refused
 * duplicate is not the answer. Otherwise `error` itself is thrown.
 */
export async function firstResultInsteadOf(
  error: unknown,
  store: EventStore,
  record: CommandRecord,
): Promise<CommandResult> {
  // Typed errors only: a failure of the database itself is reported as it is.
  if (!isStrataError(error)) throw error;
  const first = await store.findCommand(record.id).catch(() => undefined);
  if (first === undefined) throw error;
  return repeatedResult(first, record.fingerprint);
}
