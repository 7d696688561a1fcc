import type { MessageRegistry } from '../../messages/index.js';
import { decodeCursor, encodeCursor, type Cursor } from '../cursor.js';
import { InvalidArgumentError } from '../errors.js';
import type { LogPage, ReadPageOptions } from '../types.js';
import { decodeRow, EVENT_COLUMNS, type EventRow } from './decode-event.js';
import type { SqlExecutor } from './drivers/types.js';

const BELOW_HORIZON = `(transaction_id, global_position) > ($1::bigint, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;

// One statement, so one snapshot: `tail` is the last event readable now (the read order's
// index, walked backwards from the horizon: a few rows however long the log), `page` the
// first events the filter selects. A page shorter than its limit holds every selected event
// up to `tail`, so the next read starts there instead of at the last selected event: a
// subscriber whose filter matches rarely does not walk the same stretch of log again.
const READ_PAGE = `SELECT tail.transaction_id AS tail_transaction_id,
    tail.global_position AS tail_global_position, page.*
  FROM (SELECT transaction_id, global_position FROM events
         WHERE ${BELOW_HORIZON}
         ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS tail
  LEFT JOIN (SELECT ${EVENT_COLUMNS} FROM events
              WHERE ${BELOW_HORIZON}
                AND ($4::text[] IS NULL OR type = ANY($4::text[]))
                AND ($5::text[] IS NULL OR split_part(stream_id, '-', 1) = ANY($5::text[]))
              ORDER BY transaction_id, global_position LIMIT $3) AS page ON true
  ORDER BY page.transaction_id, page.global_position`;

type PageRow = { tail_transaction_id: number; tail_global_position: number } & (
  EventRow | { [column in keyof EventRow]: null }
);

/** Reads one page of the log for a subscriber (see `EventStore.readPage`). */
export async function readPage(
  sql: SqlExecutor,
  registry: MessageRegistry | undefined,
  after: Cursor,
  { limit, types, categories, asStored = false }: ReadPageOptions,
): Promise<LogPage> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError('limit', `must be an integer >= 1, got ${limit}`);
  }
  const from = decodeCursor(after);
  const rows = await sql.query<PageRow>(
    READ_PAGE,
    [from.transactionId, from.globalPosition, limit, types ?? null, categories ?? null],
    'strata_read_page',
  );
  const [first] = rows;
  if (first === undefined) return { entries: [], end: after };
  const events = rows.filter((row): row is PageRow & EventRow => row.event_id !== null);
  const entries = events.map((row) => decodeRow(row, asStored ? undefined : registry));
  const last = entries.at(-1);
  const end =
    last !== undefined && entries.length === limit
      ? last.event.cursor
      : encodeCursor(first.tail_transaction_id, first.tail_global_position);
  return { entries, end };
}
