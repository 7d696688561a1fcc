import {
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

const toCursor = (row: CheckpointRow): Cursor =>
  encodeCursor(row.transaction_id, row.global_position);

const START_AT_END = `SELECT coalesce(max(transaction_id), 0) AS transaction_id,
    coalesce(max(global_position), 0) AS global_position
  FROM events WHERE transaction_id = (SELECT max(transaction_id) FROM events)`;

/**
 * The subscriber's checkpoint, created at `startFrom` when it has none. Two processes creating
 * it at once agree: the first insert wins and both read it back.
 */
export async function ensureCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
  startFrom: 'beginning' | 'end',
): Promise<Cursor> {
  const existing = await readCheckpoint(sql, subscriber);
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
  return (await readCheckpoint(sql, subscriber)) ?? LOG_START;
}

/** The subscriber's checkpoint; `undefined` when it has never run. */
export async function readCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
): Promise<Cursor | undefined> {
  const [row] = await sql.query<CheckpointRow>(
    'SELECT transaction_id, global_position FROM checkpoints WHERE subscriber = $1',
    [subscriber],
    'strata_read_checkpoint',
  );
  return row === undefined ? undefined : toCursor(row);
}

/**
 * Moves the checkpoint from `from` to `to` only if it is still at `from`: a process that lost
 * its lease without noticing cannot overwrite the new holder's progress (and, inside the
 * batch's transaction, its writes roll back with it). False when the checkpoint had moved.
 */
export async function advanceCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
  from: Cursor,
  to: Cursor,
): Promise<boolean> {
  const before = decodeCursor(from);
  const after = decodeCursor(to);
  const rows = await sql.query(
    `UPDATE checkpoints SET transaction_id = $4, global_position = $5, updated_at = now()
      WHERE subscriber = $1 AND transaction_id = $2 AND global_position = $3
     RETURNING 1`,
    [
      subscriber,
      before.transactionId,
      before.globalPosition,
      after.transactionId,
      after.globalPosition,
    ],
    'strata_advance_checkpoint',
  );
  return rows.length === 1;
}

/** Forgets a subscriber's checkpoint (a dropped projection version). */
export async function deleteCheckpoint(sql: SqlExecutor, subscriber: string): Promise<void> {
  await sql.query('DELETE FROM checkpoints WHERE subscriber = $1', [subscriber]);
}
