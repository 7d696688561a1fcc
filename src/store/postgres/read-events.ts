import type { MessageRegistry } from '../../messages/index.js';
import { decodeCursor, encodeCursor, LOG_START } from '../cursor.js';
import { InvalidArgumentError } from '../errors.js';
import { assertValidStreamId } from '../stream-id.js';
import type { Cursor } from '../cursor.js';
import type {
  Backlog,
  BacklogOptions,
  EventFilter,
  ListStreamsOptions,
  LogPage,
  ReadAllOptions,
  ReadPageOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamSummary,
} from '../types.js';
import { decodeRow, EVENT_COLUMNS, eventOf, type EventRow } from './decode-event.js';
import type { SqlExecutor } from './drivers/types.js';
import { readPage } from './read-page.js';

const READ_STREAM_FORWARD = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3
  ORDER BY stream_version LIMIT $4`;

const READ_STREAM_BACKWARD = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3
  ORDER BY stream_version DESC LIMIT $4`;

// Positions are drawn before commit, so a transaction can commit position 9 after another
// committed 10. Reading only below the oldest open transaction (xmin of the current snapshot)
// and ordering by (transaction_id, global_position) means every event a still-open transaction
// commits later sorts after everything returned now. The cursor is that pair: a cursor on the
// position alone still skips an event whose transaction took its id earlier but drew a lower
// position after the reader passed it.
const READ_ALL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    AND ($4::text[] IS NULL OR type = ANY($4::text[]))
    AND ($5::text[] IS NULL OR split_part(stream_id, '-', 1) = ANY($5::text[]))
  ORDER BY transaction_id, global_position
  LIMIT $3`;

const MATCHES = `($3::text[] IS NULL OR type = ANY($3::text[]))
    AND ($4::text[] IS NULL OR split_part(stream_id, '-', 1) = ANY($4::text[]))`;

const BACKLOG = `SELECT count(*) AS events, min(recorded_at) AS oldest, NULL AS examined FROM events
  WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
    AND (transaction_id, global_position) <= ($5::bigint, $6::bigint)
    AND ${MATCHES}`;

// Walks the first $7 events of the range in read order (the read-order index, however long
// the log) and counts the matching ones among them.
const BOUNDED_BACKLOG = `SELECT count(*) FILTER (WHERE ${MATCHES}) AS events,
    coalesce(min(recorded_at) FILTER (WHERE ${MATCHES}),
             CASE WHEN count(*) >= $7 THEN min(recorded_at) END) AS oldest,
    count(*) AS examined
  FROM (SELECT type, stream_id, recorded_at FROM events
         WHERE (transaction_id, global_position) > ($1::bigint, $2::bigint)
           AND (transaction_id, global_position) <= ($5::bigint, $6::bigint)
         ORDER BY transaction_id, global_position LIMIT $7) AS examined`;

/** Beyond every real cursor: no upper bound. */
const LOG_END = { transactionId: '9223372036854775807', globalPosition: '9223372036854775807' };

const STREAM_VERSION = `SELECT stream_version FROM events
  WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`;

const MAX_VERSION = Number.MAX_SAFE_INTEGER;

/** Reads of the log, shared by the store and its transaction-bound views. */
export interface EventReader {
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  streamVersion(streamId: string): Promise<number>;
  readPage(after: Cursor, options: ReadPageOptions): Promise<LogPage>;
  backlog(
    after: Cursor | undefined,
    filter?: EventFilter,
    upTo?: Cursor,
    options?: BacklogOptions,
  ): Promise<Backlog>;
  cursorAt(globalPosition: number): Promise<Cursor | undefined>;
  listStreams(options?: ListStreamsOptions): Promise<StreamSummary[]>;
}

/** The read side of the store on `sql`: streams, the log, pages, backlogs and streams lists. */
export function createEventReader(
  sql: SqlExecutor,
  registry: MessageRegistry | undefined,
): EventReader {
  const toStoredEvent = (row: EventRow): StoredEvent => eventOf(decodeRow(row, registry));

  return {
    async readStream(streamId, options = {}) {
      assertValidStreamId(streamId);
      const { from, to, direction = 'forward', limit } = options;
      const backward = direction === 'backward';
      const params = [
        streamId,
        nonNegative('from', from ?? (backward ? 0 : 1)),
        nonNegative('to', to ?? MAX_VERSION),
        positive('limit', limit ?? MAX_VERSION),
      ];
      const rows = await sql.query<EventRow>(
        backward ? READ_STREAM_BACKWARD : READ_STREAM_FORWARD,
        params,
        backward ? 'strata_read_stream_backward' : 'strata_read_stream',
      );
      return rows.map(toStoredEvent);
    },

    async *readAll(options = {}) {
      const { types = null, categories = null, batchSize = 1000 } = options;
      let remaining = positive('limit', options.limit ?? Number.POSITIVE_INFINITY);
      let after = decodeCursor(options.after ?? LOG_START);
      positive('batchSize', batchSize);
      while (remaining > 0) {
        const pageSize = Math.min(batchSize, remaining);
        const rows = await sql.query<EventRow>(
          READ_ALL,
          [after.transactionId, after.globalPosition, pageSize, types, categories],
          'strata_read_all',
        );
        for (const row of rows) yield toStoredEvent(row);
        const last = rows.at(-1);
        if (last === undefined || rows.length < pageSize) return;
        remaining -= rows.length;
        after = {
          transactionId: String(last.transaction_id),
          globalPosition: String(last.global_position),
        };
      }
    },

    readPage: (after, options) => readPage(sql, registry, after, options),

    async backlog(after, filter = {}, upTo, { maxRows } = {}) {
      const from = decodeCursor(after ?? LOG_START);
      const to = upTo === undefined ? LOG_END : decodeCursor(upTo);
      const bounded = maxRows !== undefined;
      const [row] = await sql.query<{
        events: number;
        oldest: Date | null;
        examined: number | null;
      }>(
        bounded ? BOUNDED_BACKLOG : BACKLOG,
        [
          ...[from.transactionId, from.globalPosition],
          ...[filter.types ?? null, filter.categories ?? null],
          ...[to.transactionId, to.globalPosition],
          ...(bounded ? [positive('maxRows', maxRows)] : []),
        ],
        bounded ? 'strata_bounded_backlog' : 'strata_backlog',
      );
      return {
        events: row?.events ?? 0,
        oldestRecordedAt: row?.oldest ?? undefined,
        complete: !bounded || (row?.examined ?? 0) < maxRows,
      };
    },

    async listStreams({ category, after, limit = 100 } = {}) {
      const rows = await sql.query<{ stream_id: string; version: number; last: Date }>(
        `SELECT stream_id, max(stream_version) AS version, max(recorded_at) AS last FROM events
          WHERE ($1::text IS NULL OR split_part(stream_id, '-', 1) = $1) AND stream_id > $2
          GROUP BY stream_id ORDER BY stream_id LIMIT $3`,
        [category ?? null, after ?? '', positive('limit', limit)],
      );
      return rows.map((row) => ({
        streamId: row.stream_id,
        version: row.version,
        lastRecordedAt: row.last,
      }));
    },

    async cursorAt(globalPosition) {
      nonNegative('globalPosition', globalPosition);
      const [row] = await sql.query<{ transaction_id: number }>(
        'SELECT transaction_id FROM events WHERE global_position = $1',
        [globalPosition],
        'strata_cursor_at',
      );
      return row === undefined ? undefined : encodeCursor(row.transaction_id, globalPosition);
    },

    async streamVersion(streamId) {
      assertValidStreamId(streamId);
      const rows = await sql.query<{ stream_version: number }>(
        STREAM_VERSION,
        [streamId],
        'strata_stream_version',
      );
      return rows[0]?.stream_version ?? 0;
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, `must be an integer >= 0, got ${value}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < 1)) {
    throw new InvalidArgumentError(name, `must be an integer >= 1, got ${value}`);
  }
  return value;
}
