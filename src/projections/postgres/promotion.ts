import { compareCursors, encodeCursor, type Cursor, type SqlExecutor } from '../../store/index.js';
import { readStoredCheckpoint } from '../../subscriptions/index.js';

interface CursorRow {
  readonly transaction_id: number | string;
  readonly global_position: number | string;
}

const toCursor = (row: CursorRow | undefined): Cursor | undefined =>
  row === undefined ? undefined : encodeCursor(row.transaction_id, row.global_position);

/** The last event of the log every reader can see now (below the oldest open transaction). */
export async function visibleHead(sql: SqlExecutor): Promise<Cursor | undefined> {
  const [row] = await sql.query<CursorRow>(
    `SELECT transaction_id, global_position FROM events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    [],
    'strata_visible_head',
  );
  return toCursor(row);
}

/**
 * How far a generation's read models reach: its checkpoint, or beyond it the last event its
 * inline hook applied (and marked) in an append.
 */
export async function reachOf(sql: SqlExecutor, subscriber: string): Promise<Cursor | undefined> {
  const checkpoint = (await readStoredCheckpoint(sql, subscriber))?.handled;
  const [marked] = await sql.query<CursorRow>(
    `SELECT e.transaction_id, e.global_position
       FROM inline_applied m JOIN events e ON e.global_position = m.global_position
      WHERE m.subscriber = $1
      ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    [subscriber],
    'strata_inline_reach',
  );
  const inline = toCursor(marked);
  if (checkpoint === undefined || inline === undefined) return checkpoint ?? inline;
  return compareCursors(checkpoint, inline) >= 0 ? checkpoint : inline;
}
