-- Where each subscriber of the log has got to: the read-order cursor of the last event it
-- finished. Projections update it in the transaction that writes their read models.
CREATE TABLE IF NOT EXISTS checkpoints (
  subscriber      text        PRIMARY KEY,
  transaction_id  bigint      NOT NULL DEFAULT 0,
  global_position bigint      NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Events a subscriber could not handle ('failed'), the later events of the same stream held
-- behind them to keep the stream's order ('blocked'), and those an operator skipped.
CREATE TABLE IF NOT EXISTS parked_events (
  subscriber       text        NOT NULL,
  transaction_id   bigint      NOT NULL,
  global_position  bigint      NOT NULL,
  event_id         uuid        NOT NULL,
  event_type       text        NOT NULL,
  stream_id        text        NOT NULL,
  stream_version   bigint      NOT NULL,
  status           text        NOT NULL CHECK (status IN ('failed', 'blocked', 'skipped')),
  error            text,
  attempts         integer     NOT NULL DEFAULT 0,
  -- An operator's request, carried out by whichever process runs the subscriber.
  requested_action text        CHECK (requested_action IN ('retry', 'skip')),
  parked_at        timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscriber, global_position)
);

CREATE INDEX IF NOT EXISTS parked_events_by_stream
  ON parked_events (subscriber, stream_id, transaction_id, global_position);
