-- Subscribers an operator paused (the dashboard, the API): whichever process holds a paused
-- subscriber's lease stops reading after the batch in hand, until the row is gone.
CREATE TABLE IF NOT EXISTS subscriber_pauses (
  subscriber text        PRIMARY KEY,
  reason     text,
  paused_at  timestamptz NOT NULL DEFAULT now()
);
