-- Every attempt a side effect made on the outside world (an e-mail sent, a purge, a webhook
-- delivery), written after the attempt, outside any transaction: its delivery log and status.
CREATE TABLE IF NOT EXISTS side_effect_attempts (
  id              bigserial   PRIMARY KEY,
  subscriber      text        NOT NULL,
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  global_position bigint      NOT NULL,
  stream_id       text        NOT NULL,
  outcome         text        NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  http_status     integer,
  duration_ms     integer     NOT NULL,
  error           text,
  attempted_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS side_effect_attempts_by_subscriber
  ON side_effect_attempts (subscriber, id);
CREATE INDEX IF NOT EXISTS side_effect_attempts_by_age
  ON side_effect_attempts (attempted_at);

-- Webhook endpoints, registered through the HTTP API or the CLI: each is a subscriber of the
-- log (`effect:webhook:<id>`) while enabled. `secrets` lists the signing secrets, newest
-- first, each with the time it stops being used (null: current); deliveries are signed with
-- every one not expired, so a receiver can move to a new secret at its own pace.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id              text        PRIMARY KEY,
  url             text        NOT NULL,
  event_types     text[],
  description     text        NOT NULL DEFAULT '',
  secrets         jsonb       NOT NULL,
  enabled         boolean     NOT NULL DEFAULT true,
  disabled_reason text,
  disabled_at     timestamptz,
  -- The first failed attempt since the last delivery: an endpoint failing for long enough is
  -- disabled.
  failing_since   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
