import type { SqlExecutor } from '../store/index.js';

/**
 * Records a bus message in `consumer`'s inbox inside the transaction `tx` that applies it; false
 * when the inbox has it already (applied before: a redelivery after a crash between commit and
 * ack), and the caller must not apply it again. Inserting first also makes a concurrent delivery
 * of the same message wait on the row lock instead of applying it twice.
 */
export async function enterInbox(
  tx: SqlExecutor,
  consumer: string,
  message: { readonly id: string; readonly streamSequence: number },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO bus_inbox (consumer, message_id, stream_sequence) VALUES ($1, $2, $3)
     ON CONFLICT (consumer, message_id) DO NOTHING RETURNING 1`,
    [consumer, message.id, message.streamSequence],
    'strata_bus_inbox_insert',
  );
  return inserted.length > 0;
}
