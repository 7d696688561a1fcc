-- The dashboard finds a conversation's events by correlation id (search, an event's lineage)
-- without reading the whole log.
CREATE INDEX IF NOT EXISTS events_by_correlation ON events ((metadata->>'correlationId'));
