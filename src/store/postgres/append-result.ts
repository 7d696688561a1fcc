import { encodeCursor } from '../cursor.js';
import { InvalidArgumentError } from '../errors.js';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendResult,
  type ExpectedVersion,
} from '../types.js';
import type { AppendedRow } from './append-statement.js';
import type { EncodedEvents } from './encode-events.js';

/** The append statement's expected version: >= 0 exact (0 = no stream), -1 any, -2 exists. */
export function encodeExpectedVersion(expected: ExpectedVersion): number {
  switch (expected) {
    case ANY:
      return -1;
    case STREAM_EXISTS:
      return -2;
    case NO_STREAM:
      return 0;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new InvalidArgumentError(
          'expectedVersion',
          `must be a version >= 0, NO_STREAM, STREAM_EXISTS or ANY; got ${String(expected)}`,
        );
      }
      return expected;
  }
}

/** The statement's version check, for telling its two reasons to refuse apart. */
export function versionMatches(expected: number, actual: number): boolean {
  return expected === -1 || (expected === -2 && actual > 0) || expected === actual;
}

/** What an append returns, from the rows its statement returned. */
export function appendResult(
  streamId: string,
  rows: readonly AppendedRow[],
  encoded: EncodedEvents,
): AppendResult {
  const last = rows.at(-1);
  // Rows come back in insertion order, which is version order; ids and types are in that order.
  const appended = rows.filter((row) => row.global_position !== null);
  return {
    streamId,
    streamVersion: last?.stream_version ?? 0,
    events: appended.map((row, index) => ({
      id: encoded.ids[index] ?? '',
      type: encoded.types[index] ?? '',
      streamVersion: row.stream_version,
      globalPosition: row.global_position ?? 0,
    })),
    cursor:
      last?.global_position == null || last.transaction_id === null
        ? undefined
        : encodeCursor(last.transaction_id, last.global_position),
  };
}
