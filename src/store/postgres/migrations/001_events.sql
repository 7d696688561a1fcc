-- The global log: every event of every stream, in one append-only table.
CREATE TABLE IF NOT EXISTS events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        uuid        NOT NULL,
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- The writing transaction's id (an xid8): readers order by (transaction_id, global_position)
  -- and only read below the oldest open transaction, so a late commit can never land behind a
  -- reader. Kept as bigint because PGlite (32-bit WebAssembly) sorts xid8 in indexes wrongly;
  -- an xid8 is a 64-bit counter that never reaches 2^63, so bigint order is xid8 order.
  transaction_id  bigint      NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
  -- Optimistic concurrency: of two writers of the same version, the unique key lets one win.
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

-- The log's read order, and the cursor readers page and checkpoint on.
CREATE INDEX IF NOT EXISTS events_read_order ON events (transaction_id, global_position);
