-- Appends a batch of events to one stream in a single round trip: checks the expected version,
-- inserts the events, records the command (if any) and notifies listeners on commit.
--
-- p_expected: a version >= 0 (0 = the stream must not exist), -1 = any, -2 = the stream exists.
-- p_events:   a JSON array of {"id", "type", "schemaVersion", "data", "metadata"}, parsed once.
-- Returns ok = false with the actual version when the expected version does not match.
CREATE OR REPLACE FUNCTION append_events(
  p_stream_id    text,
  p_expected     bigint,
  p_events       jsonb,
  p_command_id   text,
  p_command_type text,
  p_fingerprint  text
) RETURNS TABLE (ok boolean, stream_version bigint, transaction_id text, positions bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  v_current   bigint;
  v_last_xid  xid8;
  v_xid       xid8;
  v_count     integer := jsonb_array_length(p_events);
  v_positions bigint[] := '{}';
BEGIN
  SELECT e.stream_version, e.transaction_id INTO v_current, v_last_xid
    FROM events e
   WHERE e.stream_id = p_stream_id
   ORDER BY e.stream_version DESC
   LIMIT 1;
  v_current := coalesce(v_current, 0);

  IF (p_expected >= 0 AND v_current <> p_expected) OR (p_expected = -2 AND v_current = 0) THEN
    RETURN QUERY SELECT false, v_current, NULL::text, NULL::bigint[];
    RETURN;
  END IF;

  IF v_count > 0 THEN
    -- Readers order a stream's events by transaction id, so a new event's transaction must be
    -- younger than the one that wrote the stream's previous event. That always holds when the
    -- insert below is the transaction's first write (its id is drawn after the previous event
    -- committed); a caller's transaction that wrote earlier may be older, and must retry.
    v_xid := pg_current_xact_id();
    IF v_last_xid IS NOT NULL AND v_xid < v_last_xid THEN
      RAISE EXCEPTION 'transaction % is older than the last writer of stream %', v_xid, p_stream_id
        USING ERRCODE = 'SR001';
    END IF;

    WITH inserted AS (
      INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
      SELECT (e ->> 'id')::uuid, p_stream_id, v_current + i, e ->> 'type',
             (e ->> 'schemaVersion')::integer, e -> 'data', e -> 'metadata'
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, i)
       ORDER BY i
      RETURNING global_position
    )
    SELECT array_agg(global_position ORDER BY global_position) INTO v_positions FROM inserted;

    PERFORM pg_notify('strata_events_' || current_schema(), '');
  END IF;

  IF p_command_id IS NOT NULL THEN
    INSERT INTO commands (command_id, command_type, fingerprint, stream_id, stream_version,
                          last_transaction_id, last_position, events)
    SELECT p_command_id, p_command_type, p_fingerprint, p_stream_id, v_current + v_count,
           v_xid, v_positions[v_count],
           coalesce(jsonb_agg(jsonb_build_object(
             'id', e ->> 'id', 'type', e ->> 'type',
             'streamVersion', v_current + i, 'globalPosition', v_positions[i]) ORDER BY i), '[]')
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, i);
  END IF;

  RETURN QUERY SELECT true, v_current + v_count, v_xid::text, v_positions;
END
$$;
