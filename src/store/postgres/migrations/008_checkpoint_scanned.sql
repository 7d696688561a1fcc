-- How far each subscriber has read the log, apart from the last event it handled: every event
-- up to here that its filter selects is handled or parked. A subscriber whose filter matches
-- rarely resumes (and reports lag) from here instead of walking the log again from its last
-- match. Never behind the checkpoint: the cursor to read after is the later of the two.
ALTER TABLE checkpoints ADD COLUMN IF NOT EXISTS scanned_transaction_id bigint NOT NULL DEFAULT 0;
ALTER TABLE checkpoints ADD COLUMN IF NOT EXISTS scanned_global_position bigint NOT NULL DEFAULT 0;
