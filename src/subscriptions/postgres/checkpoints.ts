import {
  compareCursors,
  decodeCursor,
  encodeCursor,
  LOG_START,
  type Cursor,
  type SqlExecutor,
} from '../../store/index.js';

interface CheckpointRow {
  readonly transaction_id: number;
  readonly global_position: number;
}

interface ProgressRow extends CheckpointRow {
  readonly scanned_transaction_id: number;
  readonly scanned_global_position: number;
}

/** Where a subscriber is: what it handled, and how far it has read. */
export interface Progress {
  /** The cursor of the last event it handled (or parked): its checkpoint. */
  readonly handled: Cursor;
  /** Every event up to here that it reads is handled or parked; never before `handled`. */
  readonly scanned: Cursor;
}

const toCursor = (row: CheckpointRow): Cursor =>
  encodeCursor(row.transaction_id, row.global_position);

const later = (a: Cursor, b: Cursor): Cursor => (compareCursors(a, b) >= 0 ? a : b);

function toProgress(row: ProgressRow): Progress {
  const handled = toCursor(row);
  const scanned = encodeCursor(row.scanned_transaction_id, row.scanned_global_position);
  return { handled, scanned: later(handled, scanned) };
}

// The last event readable now, not the last event written: a transaction still open when the
// subscriber starts may commit events that sort before the newest committed one, and those
// are after the end it starts from (a few already committed ones may come again).
const START_AT_END = `SELECT transaction_id, global_position FROM events
  WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
  ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

/**
 * The subscriber's progress, created at `startFrom` when it has none. Two processes creating
 * it at once agree: the first insert wins and both read it back.
 */
export async function ensureCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
  startFrom: 'beginning' | 'end',
): Promise<Progress> {
  const existing = await readProgress(sql, subscriber);
  if (existing !== undefined) return existing;
  let start = decodeCursor(LOG_START);
  if (startFrom === 'end') {
    const [end] = await sql.query<CheckpointRow>(START_AT_END);
    if (end !== undefined) start = decodeCursor(toCursor(end));
  }
  await sql.query(
    `INSERT INTO checkpoints (subscriber, transaction_id, global_position) VALUES ($1, $2, $3)
     ON CONFLICT (subscriber) DO NOTHING`,
    [subscriber, start.transactionId, start.globalPosition],
  );
  return (await readProgress(sql, subscriber)) ?? { handled: LOG_START, scanned: LOG_START };
}

/** The subscriber's checkpoint; `undefined` when it has never run. */
export async function readCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
): Promise<Cursor | undefined> {
  return (await readProgress(sql, subscriber))?.handled;
}

/** The subscriber's checkpoint and how far it has read; `undefined` when it has never run. */
export async function readProgress(
  sql: SqlExecutor,
  subscriber: string,
): Promise<Progress | undefined> {
  const [row] = await sql.query<ProgressRow>(
    `SELECT transaction_id, global_position, scanned_transaction_id, scanned_global_position
       FROM checkpoints WHERE subscriber = $1`,
    [subscriber],
    'strata_read_progress',
  );
  return row === undefined ? undefined : toProgress(row);
}

/**
 * Moves the checkpoint from `from` to `to.handled`, and the scanned cursor to `to.scanned`,
 * only if the checkpoint is still at `from`: a process that lost its lease without noticing
 * cannot overwrite the new holder's progress (and, inside the batch's transaction, its writes
 * roll back with it). False when the checkpoint had moved.
 */
export async function advanceCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
  from: Cursor,
  to: Progress,
): Promise<boolean> {
  const before = decodeCursor(from);
  const handled = decodeCursor(to.handled);
  const scanned = decodeCursor(later(to.handled, to.scanned));
  const rows = await sql.query(
    `UPDATE checkpoints SET transaction_id = $4, global_position = $5,
            scanned_transaction_id = $6, scanned_global_position = $7, updated_at = now()
      WHERE subscriber = $1 AND transaction_id = $2 AND global_position = $3
     RETURNING 1`,
    [
      subscriber,
      before.transactionId,
      before.globalPosition,
      handled.transactionId,
      handled.globalPosition,
      scanned.transactionId,
      scanned.globalPosition,
    ],
    'strata_advance_checkpoint',
  );
  return rows.length === 1;
}

/** Every stored checkpoint, with its progress, parked count and when it was last saved. */
export async function listProgress(
  sql: SqlExecutor,
): Promise<{ subscriber: string; progress: Progress; parked: number; updatedAt: Date }[]> {
  const rows = await sql.query<
    ProgressRow & { subscriber: string; parked: number; updated_at: Date }
  >(
    `SELECT c.subscriber, c.transaction_id, c.global_position, c.scanned_transaction_id,
            c.scanned_global_position, c.updated_at,
            (SELECT count(*) FROM parked_events p
              WHERE p.subscriber = c.subscriber AND p.status IN ('failed', 'blocked')) AS parked
       FROM checkpoints c ORDER BY c.subscriber`,
  );
  return rows.map((row) => ({
    subscriber: row.subscriber,
    progress: toProgress(row),
    parked: row.parked,
    updatedAt: new Date(row.updated_at),
  }));
}

/** Forgets a subscriber's checkpoint (a retired projection generation). */
export async function deleteCheckpoint(sql: SqlExecutor, subscriber: string): Promise<void> {
  await sql.query('DELETE FROM checkpoints WHERE subscriber = $1', [subscriber]);
}
