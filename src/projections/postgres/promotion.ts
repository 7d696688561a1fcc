import { compareCursors, encodeCursor, type Cursor, type SqlExecutor } from '../../store/index.js';

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

/** A subscriber's checkpoint, read in the caller's transaction. */
export async function checkpointOf(
  sql: SqlExecutor,
  subscriber: string,
): Promise<Cursor | undefined> {
  const [row] = await sql.query<CursorRow>(
    'SELECT transaction_id, global_position FROM checkpoints WHERE subscriber = $1',
    [subscriber],
    'strata_projection_checkpoint',
  );
  return toCursor(row);
}

/**
 * How far a subscriber has read, in the caller's transaction: the later of its checkpoint and
 * its scanned-to cursor (every event up to there that it reads is handled or parked).
 */
export async function readToOf(sql: SqlExecutor, subscriber: string): Promise<Cursor | undefined> {
  const [row] = await sql.query<
    CursorRow & { scanned_transaction_id: number; scanned_global_position: number }
  >(
    `SELECT transaction_id, global_position, scanned_transaction_id, scanned_global_position
       FROM checkpoints WHERE subscriber = $1`,
    [subscriber],
    'strata_projection_read_to',
  );
  if (row === undefined) return undefined;
  const handled = encodeCursor(row.transaction_id, row.global_position);
  const scanned = encodeCursor(row.scanned_transaction_id, row.scanned_global_position);
  return compareCursors(scanned, handled) > 0 ? scanned : handled;
}

/**
 * How far a generation's read models reach: its checkpoint, or beyond it the last event its
 * inline hook applied (and marked) in an append.
 */
export async function reachOf(sql: SqlExecutor, subscriber: string): Promise<Cursor | undefined> {
  const checkpoint = await checkpointOf(sql, subscriber);
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
