-- How each event type folded into a snapshot was read (schema version, upcasters): a snapshot
-- taken before an upcaster or event-version change is not trusted after it. NULL, for
-- snapshots taken before this column existed, means unknown.
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS event_shapes jsonb;
