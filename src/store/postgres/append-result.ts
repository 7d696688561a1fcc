import { encodeCursor } from '../cursor.js';
import type { AppendResult } from '../types.js';
import type { AppendedRow } from './append-statement.js';
import type { EncodedEvents } from './encode-events.js';

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
