-- The newest decider state per stream; a cache of a fold of the stream, never the truth.
CREATE TABLE IF NOT EXISTS snapshots (
  stream_id      text        PRIMARY KEY,
  stream_version bigint      NOT NULL,
  state_version  integer     NOT NULL,
  state          jsonb       NOT NULL,
  taken_at       timestamptz NOT NULL DEFAULT now()
);
