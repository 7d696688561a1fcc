-- Commands handled under an idempotency key, written in the same transaction as their events:
-- a repeat finds the first result here and appends nothing.
CREATE TABLE IF NOT EXISTS commands (
  command_id          text        PRIMARY KEY,
  command_type        text        NOT NULL,
  fingerprint         text        NOT NULL,
  stream_id           text        NOT NULL,
  stream_version      bigint      NOT NULL,
  -- Read-order cursor of the last event the command appended; NULL when it appended none.
  last_transaction_id bigint,
  last_position       bigint,
  events              jsonb       NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);
