-- Events an inline projection already applied in their append's transaction, per storage
-- generation's subscriber: its subscriber skips them (and deletes the mark) in its own batch
-- transaction, so each event is applied exactly once.
CREATE TABLE IF NOT EXISTS inline_applied (
  subscriber      text   NOT NULL,
  global_position bigint NOT NULL,
  PRIMARY KEY (subscriber, global_position)
);
