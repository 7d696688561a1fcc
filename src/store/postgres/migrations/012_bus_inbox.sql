-- Bus messages a consumer has applied, keyed by message id (the publisher's Nats-Msg-Id), each
-- written in the transaction of the handler that applied it: a redelivery finds its row and is
-- acknowledged without being applied again.
CREATE TABLE IF NOT EXISTS bus_inbox (
  consumer        text        NOT NULL,
  message_id      text        NOT NULL,
  stream_sequence bigint      NOT NULL,
  handled_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);
