import type { Cursor, SqlExecutor } from '../../store/index.js';
import { decodeCursor } from '../../store/index.js';

/** A subscriber an operator paused. */
export interface SubscriberPause {
  readonly subscriber: string;
  readonly reason: string | undefined;
  readonly pausedAt: Date;
}

interface PauseRow {
  readonly subscriber: string;
  readonly reason: string | null;
  readonly paused_at: Date;
}

/** Records that `subscriber` is paused (again: the first pause's time and reason stay). */
export async function pauseSubscriber(
  sql: SqlExecutor,
  subscriber: string,
  reason: string | undefined,
): Promise<void> {
  await sql.query(
    `INSERT INTO subscriber_pauses (subscriber, reason) VALUES ($1, $2)
     ON CONFLICT (subscriber) DO NOTHING`,
    [subscriber, reason ?? null],
  );
}

/** Ends the pause of `subscriber`; false when it was not paused. */
export async function resumeSubscriber(sql: SqlExecutor, subscriber: string): Promise<boolean> {
  const rows = await sql.query<{ subscriber: string }>(
    'DELETE FROM subscriber_pauses WHERE subscriber = $1 RETURNING subscriber',
    [subscriber],
  );
  return rows.length > 0;
}

/** Every paused subscriber. */
export async function listPauses(sql: SqlExecutor): Promise<SubscriberPause[]> {
  const rows = await sql.query<PauseRow>(
    'SELECT subscriber, reason, paused_at FROM subscriber_pauses ORDER BY subscriber',
  );
  return rows.map((row) => ({
    subscriber: row.subscriber,
    reason: row.reason ?? undefined,
    pausedAt: row.paused_at,
  }));
}

/**
 * Moves a paused subscriber's checkpoint to `cursor` (its handled and scanned progress both),
 * in the statement that checks the pause: false when it is not paused or has no checkpoint.
 */
export async function resetPausedCheckpoint(
  sql: SqlExecutor,
  subscriber: string,
  cursor: Cursor,
): Promise<boolean> {
  const { transactionId, globalPosition } = decodeCursor(cursor);
  const rows = await sql.query<{ subscriber: string }>(
    `UPDATE checkpoints
        SET transaction_id = $2, global_position = $3,
            scanned_transaction_id = $2, scanned_global_position = $3, updated_at = now()
      WHERE subscriber = $1
        AND EXISTS (SELECT 1 FROM subscriber_pauses p WHERE p.subscriber = $1)
      RETURNING subscriber`,
    [subscriber, transactionId, globalPosition],
  );
  return rows.length > 0;
}
