import type { CommandRecord } from '../types.js';
import type { EncodedEvents } from './encode-events.js';

// An append is one INSERT … SELECT: it reads the stream's head, checks the expected version and
// inserts the events, in one round trip. It is kept this lean (no PL/pgSQL, no CTE unless a
// command is recorded) because its CPU cost is what separates the store from a bare INSERT.
//
// Parameters: $1 stream id, $2 expected version (>= 0 exact, -1 any, -2 stream exists),
// $3..$7 the events' ids, types, schema versions, data and metadata (JSON text),
// $8..$10 the command's id, type and fingerprint.
//
// The second condition refuses when the caller's transaction is older than the one that wrote
// the stream's previous event (the same transaction may append again): readers order a stream's events by transaction id, so that order
// must match the version order. It always holds when this statement is the transaction's first
// write (its id is drawn after the previous event committed); a caller's transaction that wrote
// something earlier can be older, and then has to retry.
const HEAD = `(SELECT coalesce(last.stream_version, 0) AS version, last.transaction_id
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT stream_version, transaction_id FROM events
       WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1
    ) AS last ON true) AS head`;

const ACCEPTED = `($2::bigint = -1 OR ($2::bigint = -2 AND head.version > 0) OR head.version = $2::bigint)
   AND (head.transaction_id IS NULL OR head.transaction_id <= pg_current_xact_id()::text::bigint)`;

const ONE_EVENT = `(VALUES ($3::uuid, $4::text, $5::integer, $6::jsonb, $7::jsonb, 1::bigint))
    AS e(id, type, schema_version, data, metadata, ord)`;

const MANY_EVENTS = `unnest($3::uuid[], $4::text[], $5::integer[], $6::jsonb[], $7::jsonb[])
    WITH ORDINALITY AS e(id, type, schema_version, data, metadata, ord)`;

const APPENDED = 'global_position, stream_version, transaction_id';

const insertEvents = (source: string, returning = APPENDED): string => `
INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
SELECT e.id, $1, head.version + e.ord, e.type, e.schema_version, e.data, e.metadata
  FROM ${HEAD}, ${source}
 WHERE ${ACCEPTED}
 ORDER BY e.ord
RETURNING ${returning}`;

// The command row is written by the same statement, so it commits or fails with the events.
const insertEventsAndCommand = (source: string): string => `
WITH inserted AS (${insertEvents(source, `${APPENDED}, event_id, type`)}),
recorded AS (
  INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version,
                        last_transaction_id, last_position, events)
  SELECT $8, $9, $10, $1, max(stream_version), max(transaction_id), max(global_position),
         jsonb_agg(jsonb_build_object('id', event_id, 'type', type,
           'streamVersion', stream_version, 'globalPosition', global_position)
           ORDER BY global_position)
    FROM inserted
  HAVING count(*) > 0
)
SELECT ${APPENDED} FROM inserted`;

// A command that decided no events is still recorded, so a repeat finds its result.
const RECORD_COMMAND_ONLY = `
INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version, events)
SELECT $3, $4, $5, $1, head.version, '[]'
  FROM ${HEAD}
 WHERE ${ACCEPTED}
RETURNING NULL::bigint AS global_position, stream_version, NULL::bigint AS transaction_id`;

const STATEMENTS = {
  one: insertEvents(ONE_EVENT),
  many: insertEvents(MANY_EVENTS),
  oneWithCommand: insertEventsAndCommand(ONE_EVENT),
  manyWithCommand: insertEventsAndCommand(MANY_EVENTS),
  commandOnly: RECORD_COMMAND_ONLY,
};

/** The stream's head, read when an append is refused, to tell a conflict from a lost race. */
export const READ_HEAD = `SELECT head.version, head.transaction_id FROM ${HEAD}`;

/** One row per appended event; no row at all when the append was refused. */
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

/**
 * The statement appending these events (at least one) and recording the command, if any; or,
 * with no events, recording the command alone.
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
    return { text: STATEMENTS.commandOnly, name: 'strata_record_command', params };
  }
  // A single event binds plain values, as a bare INSERT would; a batch binds arrays.
  const eventParams =
    count === 1
      ? [
          events.ids[0],
          events.types[0],
          events.schemaVersions[0],
          events.data[0],
          events.metadata[0],
        ]
      : [events.ids, events.types, events.schemaVersions, events.data, events.metadata];
  const shape = count === 1 ? 'one' : 'many';
  if (command === undefined) {
    return {
      text: STATEMENTS[shape],
      name: `strata_append_${shape}`,
      params: [streamId, expected, ...eventParams],
    };
  }
  return {
    text: STATEMENTS[`${shape}WithCommand`],
    name: `strata_append_${shape}_with_command`,
    params: [streamId, expected, ...eventParams, command.id, command.type, command.fingerprint],
  };
}
