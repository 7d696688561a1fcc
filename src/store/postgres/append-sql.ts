import { acceptsExpectedVersion } from '../expected-version.js';

// The append statements, written once. On PostgreSQL they run as named prepared statements; on
// PGlite, which has no named prepared statements and would plan them on every call, they run
// inside PL/pgSQL functions made from the same text (see `append-functions.ts`), whose plans
// PL/pgSQL caches. `$n` are the statement's parameters, or the function's.
//
// Each append is one INSERT … SELECT that reads the stream's head, checks the expected version
// and inserts the events: one statement, one round trip. $2 is the expected version as
// `encodeExpectedVersion` encodes it (see `expected-version.ts`, where its rules live).
// A refused append returns no rows; the caller then reads the head to tell why.
//
// The head check also refuses when the caller's transaction is older than the one that wrote
// the stream's previous event (the same transaction may append again): readers order a
// stream's events by transaction id, so that order must match the version order. It always
// holds when the insert is the transaction's first write (its id is drawn after the previous
// event committed); a caller's transaction that wrote something earlier can be older, and then
// has to retry.

/** The stream's last version and the transaction that wrote it; version 0 for a new stream. */
const HEAD = `(SELECT coalesce(last.stream_version, 0) AS version, last.transaction_id
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT stream_version, transaction_id FROM events
       WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1
    ) AS last ON true)`;

const ACCEPTED = `${acceptsExpectedVersion('$2::bigint', 'head.version')}
   AND (head.transaction_id IS NULL
        OR head.transaction_id <= pg_current_xact_id()::text::bigint)`;

const ONE_EVENT = `(VALUES ($3::uuid, $4::text, $5::integer, $6::jsonb, $7::jsonb, 1::bigint))
    AS e(id, type, schema_version, data, metadata, ord)`;

const MANY_EVENTS = `unnest($3::uuid[], $4::text[], $5::integer[], $6::jsonb[], $7::jsonb[])
    WITH ORDINALITY AS e(id, type, schema_version, data, metadata, ord)`;

const APPENDED = 'global_position, stream_version, transaction_id';

const insertEvents = (source: string, returning = APPENDED): string => `
INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
SELECT e.id, $1, head.version + e.ord, e.type, e.schema_version, e.data, e.metadata
  FROM ${HEAD} AS head, ${source}
 WHERE ${ACCEPTED}
 ORDER BY e.ord
RETURNING ${returning}`;

/** A statement and the signature of the function that wraps it on PGlite. */
export interface AppendSql {
  /** Function name, also the prepared statement's name. */
  readonly name: string;
  readonly parameterTypes: readonly string[];
  readonly text: string;
}

const EVENT_COLUMNS = ['uuid', 'text', 'integer', 'jsonb', 'jsonb'];
const EVENT_ARRAYS = ['uuid[]', 'text[]', 'integer[]', 'jsonb[]', 'jsonb[]'];
const COMMAND_COLUMNS = ['text', 'text', 'text'];

/** Rows: global_position, stream_version, transaction_id, one per appended event. */
export const APPEND_EVENT: AppendSql = {
  name: 'strata_append_event',
  parameterTypes: ['text', 'bigint', ...EVENT_COLUMNS],
  text: insertEvents(ONE_EVENT),
};

/** Rows: global_position, stream_version, transaction_id, one per appended event. */
export const APPEND_EVENTS: AppendSql = {
  name: 'strata_append_events',
  parameterTypes: ['text', 'bigint', ...EVENT_ARRAYS],
  text: insertEvents(MANY_EVENTS),
};

/**
 * Events and the command that caused them ($8..$10: id, type, fingerprint), in one statement:
 * the command row commits or fails with the events, so a repeated id is refused atomically.
 */
export const APPEND_EVENTS_FOR_COMMAND: AppendSql = {
  name: 'strata_append_events_for_command',
  parameterTypes: ['text', 'bigint', ...EVENT_ARRAYS, ...COMMAND_COLUMNS],
  text: `
WITH inserted AS (${insertEvents(MANY_EVENTS, `${APPENDED}, event_id, type`)}),
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
SELECT ${APPENDED} FROM inserted`,
};

/**
 * A command that decided no events ($3..$5: id, type, fingerprint) is still recorded, so a
 * repeat finds its result; the expected version is checked as for an append.
 */
export const RECORD_COMMAND: AppendSql = {
  name: 'strata_record_command',
  parameterTypes: ['text', 'bigint', ...COMMAND_COLUMNS],
  text: `
INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version, events)
SELECT $3, $4, $5, $1, head.version, '[]'
  FROM ${HEAD} AS head
 WHERE ${ACCEPTED}
RETURNING NULL::bigint AS global_position, stream_version, NULL::bigint AS transaction_id`,
};

/** Every append statement: each runs as a prepared statement, or as a function on PGlite. */
export const APPEND_STATEMENTS = [
  APPEND_EVENT,
  APPEND_EVENTS,
  APPEND_EVENTS_FOR_COMMAND,
  RECORD_COMMAND,
];

/** The stream's head, read when an append is refused, to tell a conflict from a lost race. */
export const READ_HEAD = `SELECT head.version, head.transaction_id FROM ${HEAD} AS head`;
