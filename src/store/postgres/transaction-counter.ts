import { TransactionCounterBehindError } from '../errors.js';
import type { SqlExecutor } from './drivers/types.js';

/**
 * Refuses a log written by transaction ids this cluster has not reached: after a logical
 * restore onto another cluster, new transactions would get lower ids than the log's, so readers
 * (which order and filter by transaction id) would see nothing new and appends to existing
 * streams would be refused. The snapshot's xmax is the next id to be handed out; reading it
 * does not use one up (pg_current_xact_id() would).
 */
export async function assertTransactionCounterAhead(sql: SqlExecutor): Promise<void> {
  const [row] = await sql.query<{ last: number | null; next: string }>(
    `SELECT (SELECT max(transaction_id) FROM events) AS last,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  );
  const next = Number(row?.next);
  if (row?.last != null && row.last >= next) {
    throw new TransactionCounterBehindError(row.last, next);
  }
}
