import { ConcurrencyError } from '../errors.js';
import {
  encodeExpectedVersion,
  expectedVersionHolds,
  type ExpectedVersion,
} from '../expected-version.js';
import type { AppendResult, CommandRecord } from '../types.js';
import { appendResult } from './append-result.js';
import { READ_HEAD } from './append-sql.js';
import { appendStatement, type AppendedRow } from './append-statement.js';
import type { SqlExecutor } from './drivers/types.js';
import type { EncodedEvents } from './encode-events.js';
import { isStreamVersionTaken, translateAppendError } from './translate-error.js';

/**
 * An append that lost a race: another writer took the version first, or the transaction-order
 * check refused this transaction. Worth trying again when the expected version is not pinned.
 */
export class LostRace extends Error {
  constructor() {
    super('lost a race for the next stream version');
  }
}

/** The stream's last version; 0 when it has no events. */
export async function readStreamHead(sql: SqlExecutor, streamId: string): Promise<number> {
  const [head] = await sql.query<{ version: number }>(READ_HEAD, [streamId], 'strata_read_head');
  return head?.version ?? 0;
}

/** One append statement: what to write, where, checked against which version. */
export interface AppendAttempt {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: EncodedEvents;
  readonly command: CommandRecord | undefined;
  /** PGlite plans every statement it runs; PL/pgSQL functions keep their plans. */
  readonly viaFunctions: boolean;
}

/**
 * Runs the append statement once: its result, `ConcurrencyError` when the stream's version
 * breaks the expected one, or `LostRace`. A refused statement returns no rows; the head, read
 * then, tells the two reasons apart.
 */
export async function appendOnce(sql: SqlExecutor, attempt: AppendAttempt): Promise<AppendResult> {
  const { streamId, expected, events, command } = attempt;
  const encoded = encodeExpectedVersion(expected);
  const statement = appendStatement(streamId, encoded, events, command, attempt.viaFunctions);
  let rows: AppendedRow[];
  try {
    rows = await sql.query<AppendedRow>(statement.text, statement.params, statement.name);
  } catch (error) {
    if (isStreamVersionTaken(error)) throw new LostRace();
    throw translateAppendError(error, command?.id);
  }
  if (rows.length > 0) return appendResult(streamId, rows, events);
  const actual = await readStreamHead(sql, streamId);
  // Refused although the version matched: the transaction-order check refused it.
  if (expectedVersionHolds(expected, actual)) throw new LostRace();
  throw new ConcurrencyError(streamId, expected, actual);
}
