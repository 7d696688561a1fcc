import type { CommandRecord } from '../types.js';
import type { EncodedEvents } from './encode-events.js';

// The append functions live in migrations/004_append_functions.sql; this picks one and binds it.

/** The stream's head, read when an append is refused, to tell a conflict from a lost race. */
export const READ_HEAD = `SELECT coalesce(last.stream_version, 0) AS version, last.transaction_id
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (
    SELECT stream_version, transaction_id FROM events
     WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1
  ) AS last ON true`;

/** One row per appended event (or one for a recorded command); none when refused. */
export interface AppendedRow {
  readonly global_position: number | null;
  readonly stream_version: number;
  readonly transaction_id: number | null;
}

/** A statement as text, prepared-statement name and parameters. */
export interface Statement {
  readonly text: string;
  readonly name: string;
  readonly params: readonly unknown[];
}

const call = (fn: string, arity: number): { text: string; name: string } => ({
  text: `SELECT * FROM ${fn}(${Array.from({ length: arity }, (_, index) => `$${index + 1}`).join(', ')})`,
  name: `strata_${fn}`,
});

const APPEND_EVENT = call('append_event', 7);
const APPEND_EVENTS = call('append_events', 7);
const APPEND_EVENTS_FOR_COMMAND = call('append_events_for_command', 10);
const RECORD_COMMAND = call('record_command', 5);

/**
 * The call appending these events (at least one) and recording the command, if any; or, with no
 * events, recording the command alone.
 */
export function appendStatement(
  streamId: string,
  expected: number,
  events: EncodedEvents,
  command: CommandRecord | undefined,
): Statement {
  const count = events.ids.length;
  if (count === 0) {
    if (command === undefined) throw new Error('an append statement needs events or a command');
    const params = [streamId, expected, command.id, command.type, command.fingerprint];
    return { ...RECORD_COMMAND, params };
  }
  const { ids, types, schemaVersions, data, metadata } = events;
  if (command !== undefined) {
    const { id, type, fingerprint } = command;
    const params = [
      streamId,
      expected,
      ids,
      types,
      schemaVersions,
      data,
      metadata,
      id,
      type,
      fingerprint,
    ];
    return { ...APPEND_EVENTS_FOR_COMMAND, params };
  }
  if (count === 1) {
    const params = [streamId, expected, ids[0], types[0], schemaVersions[0], data[0], metadata[0]];
    return { ...APPEND_EVENT, params };
  }
  return {
    ...APPEND_EVENTS,
    params: [streamId, expected, ids, types, schemaVersions, data, metadata],
  };
}
