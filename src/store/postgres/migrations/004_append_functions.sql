-- Appending events. Each function is one INSERT … SELECT that reads the stream's head, checks the
-- expected version and inserts the events, so an append is one round trip and one statement.
-- PL/pgSQL caches the statement's plan per connection: PGlite, which has no named prepared
-- statements, would otherwise plan it on every call.
--
-- p_expected: a version >= 0 (0 = the stream must not exist), -1 = any, -2 = the stream exists.
-- A refused append returns no rows; the caller reads the head to report the actual version.
--
-- The head check also refuses when the caller's transaction is older than the one that wrote
-- the stream's previous event (the same transaction may append again): readers order a
-- stream's events by transaction id, so that order must match the version order. It always
-- holds when the insert is the transaction's first write (its id is drawn after the previous
-- event committed); a caller's transaction that wrote something earlier can be older, and then
-- has to retry.

-- One event, bound as plain values like a bare INSERT.
CREATE OR REPLACE FUNCTION append_event(
  p_stream_id text, p_expected bigint,
  p_id uuid, p_type text, p_schema_version integer, p_data jsonb, p_metadata jsonb
) RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
  SELECT p_id, p_stream_id, head.version + 1, p_type, p_schema_version, p_data, p_metadata
    FROM (SELECT coalesce(last.stream_version, 0) AS version, last.transaction_id
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (
              SELECT stream_version, transaction_id FROM events
               WHERE stream_id = p_stream_id ORDER BY stream_version DESC LIMIT 1
            ) AS last ON true) AS head
   WHERE (p_expected = -1 OR (p_expected = -2 AND head.version > 0) OR head.version = p_expected)
     AND (head.transaction_id IS NULL
          OR head.transaction_id <= pg_current_xact_id()::text::bigint)
  RETURNING global_position, stream_version, transaction_id;
END
$$;

-- A batch of events, bound as arrays (one element per event, in order).
CREATE OR REPLACE FUNCTION append_events(
  p_stream_id text, p_expected bigint,
  p_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
  SELECT e.id, p_stream_id, head.version + e.ord, e.type, e.schema_version, e.data, e.metadata
    FROM (SELECT coalesce(last.stream_version, 0) AS version, last.transaction_id
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (
              SELECT stream_version, transaction_id FROM events
               WHERE stream_id = p_stream_id ORDER BY stream_version DESC LIMIT 1
            ) AS last ON true) AS head,
         unnest(p_ids, p_types, p_schema_versions, p_data, p_metadata) WITH ORDINALITY
           AS e(id, type, schema_version, data, metadata, ord)
   WHERE (p_expected = -1 OR (p_expected = -2 AND head.version > 0) OR head.version = p_expected)
     AND (head.transaction_id IS NULL
          OR head.transaction_id <= pg_current_xact_id()::text::bigint)
   ORDER BY e.ord
  RETURNING global_position, stream_version, transaction_id;
END
$$;

-- Events and the command that caused them, in one statement: the command row commits or fails
-- with the events, so a repeated command id is refused atomically by the primary key.
CREATE OR REPLACE FUNCTION append_events_for_command(
  p_stream_id text, p_expected bigint,
  p_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[],
  p_command_id text, p_command_type text, p_fingerprint text
) RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH inserted AS (
    SELECT * FROM append_events(p_stream_id, p_expected,
                                p_ids, p_types, p_schema_versions, p_data, p_metadata)
  ), recorded AS (
    INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version,
                          last_transaction_id, last_position, events)
    SELECT p_command_id, p_command_type, p_fingerprint, p_stream_id, max(i.stream_version),
           max(i.transaction_id), max(i.global_position),
           jsonb_agg(jsonb_build_object('id', e.id, 'type', e.type,
             'streamVersion', i.stream_version, 'globalPosition', i.global_position)
             ORDER BY i.global_position)
      FROM inserted AS i
      JOIN unnest(p_ids, p_types) WITH ORDINALITY AS e(id, type, ord)
        ON i.stream_version = (SELECT min(stream_version) FROM inserted) + e.ord - 1
    HAVING count(*) > 0
  )
  SELECT i.global_position, i.stream_version, i.transaction_id FROM inserted AS i;
END
$$;

-- A command that decided no events is still recorded, so a repeat finds its result; the
-- expected version is checked as for an append.
CREATE OR REPLACE FUNCTION record_command(
  p_stream_id text, p_expected bigint,
  p_command_id text, p_command_type text, p_fingerprint text
) RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version, events)
  SELECT p_command_id, p_command_type, p_fingerprint, p_stream_id, head.version, '[]'
    FROM (SELECT coalesce(max(stream_version), 0) AS version
            FROM events WHERE stream_id = p_stream_id) AS head
   WHERE p_expected = -1 OR (p_expected = -2 AND head.version > 0) OR head.version = p_expected
  RETURNING NULL::bigint, stream_version, NULL::bigint;
END
$$;
