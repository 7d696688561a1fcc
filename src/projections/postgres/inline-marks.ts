import type { SqlExecutor, StoredEvent } from '../../store/index.js';
import { checkpointCoversSql, hasParkedEventsSql } from '../../subscriptions/index.js';

/** Records that `subscriber`'s generation has applied these events in their append. */
export async function markInlineApplied(
  sql: SqlExecutor,
  subscriber: string,
  events: readonly StoredEvent[],
): Promise<void> {
  await sql.query(
    `INSERT INTO inline_applied (subscriber, global_position)
     SELECT $1, unnest($2::bigint[])`,
    [subscriber, events.map((event) => event.globalPosition)],
    'strata_mark_inline',
  );
}

/** Forgets every mark of `subscriber` (a retired generation). */
export async function forgetInlineMarks(sql: SqlExecutor, subscriber: string): Promise<void> {
  await sql.query('DELETE FROM inline_applied WHERE subscriber = $1', [subscriber]);
}

/** The events of a batch not applied inline already; forgets their marks. */
export async function withoutInlineApplied(
  sql: SqlExecutor,
  subscriber: string,
  events: readonly StoredEvent[],
): Promise<StoredEvent[]> {
  const rows = await sql.query<{ global_position: number }>(
    `DELETE FROM inline_applied WHERE subscriber = $1 AND global_position = ANY($2::bigint[])
     RETURNING global_position`,
    [subscriber, events.map((event) => event.globalPosition)],
    'strata_take_inline_marks',
  );
  const applied = new Set(rows.map((row) => row.global_position));
  return events.filter((event) => !applied.has(event.globalPosition));
}

// One statement, so the parked rows and the checkpoint come from one snapshot: a subscriber
// batch parks an event and moves its checkpoint past it in one transaction.
const APPLIED_BEFORE = `
WITH previous AS (
  SELECT transaction_id, global_position FROM events
   WHERE stream_id = $2 AND stream_version < $3 AND type = ANY($4::text[])
   ORDER BY stream_version DESC LIMIT 1
)
SELECT NOT ${hasParkedEventsSql('$1', '$2')}
   AND (NOT EXISTS (SELECT 1 FROM previous)
        OR EXISTS (
          SELECT 1 FROM previous p
           WHERE ${checkpointCoversSql('$1', 'p.transaction_id', 'p.global_position')})
        OR EXISTS (
          SELECT 1 FROM previous p JOIN inline_applied m
            ON m.subscriber = $1 AND m.global_position = p.global_position)) AS applied`;

/**
 * Whether `subscriber`'s generation has applied every event of `streamId` before
 * `streamVersion` that it reads (`types`): none of the stream's events is parked, and the
 * previous one it reads is behind its checkpoint or was applied inline. Only then may the next
 * event be applied inline; otherwise it would land before the events it follows. Callers hold
 * the generation's lock (`lockGeneration`), so the answer holds until they commit.
 */
export async function appliedBefore(
  sql: SqlExecutor,
  subscriber: string,
  streamId: string,
  streamVersion: number,
  types: readonly string[],
): Promise<boolean> {
  const [row] = await sql.query<{ applied: boolean }>(
    APPLIED_BEFORE,
    [subscriber, streamId, streamVersion, types],
    'strata_inline_applied_before',
  );
  return row?.applied === true;
}
