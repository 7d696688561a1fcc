import type { SqlExecutor } from '../../store/index.js';

/** An event as the dashboard shows it: as stored (its schema version's data, not upcast). */
export interface LoggedEvent {
  readonly globalPosition: number;
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly recordedAt: Date;
}

interface Row {
  readonly global_position: number;
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly type: string;
  readonly schema_version: number;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  readonly recorded_at: Date | string;
}

const COLUMNS = `global_position::float8 AS global_position, event_id::text AS event_id, stream_id,
  stream_version::float8 AS stream_version, type, schema_version, data, metadata, recorded_at`;

/** Most rows any one list shows: the dashboard pages, it does not dump. */
export const LIST_LIMIT = 200;

const toEvent = (row: Row): LoggedEvent => ({
  globalPosition: row.global_position,
  id: row.event_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: new Date(row.recorded_at),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads of the log for the dashboard's pages, bounded and parameterised. */
export function logQueries(sql: SqlExecutor) {
  const events = async (where: string, params: unknown[], order = 'DESC') =>
    (
      await sql.query<Row>(
        `SELECT ${COLUMNS} FROM events WHERE ${where}
          ORDER BY global_position ${order} LIMIT ${LIST_LIMIT}`,
        params,
      )
    ).map(toEvent);

  return {
    /** Each stream category (the id before its first `-`): its streams and events. */
    categories: () =>
      sql.query<{ category: string; streams: number; events: number; last: Date | string }>(
        `SELECT split_part(stream_id, '-', 1) AS category,
                count(DISTINCT stream_id)::float8 AS streams, count(*)::float8 AS events,
                max(recorded_at) AS last
           FROM events GROUP BY 1 ORDER BY 1 LIMIT ${LIST_LIMIT}`,
      ),
    /** The events of one stream, oldest first. */
    stream: (streamId: string) => events('stream_id = $1', [streamId], 'ASC'),
    event: async (id: string) =>
      UUID.test(id) ? (await events('event_id = $1::uuid', [id]))[0] : undefined,
    /** The newest events. */
    latest: () => events('true', []),
    /**
     * What `text` may name: an event id, a correlation id, an event type, or the start of
     * stream ids — newest first.
     */
    search: (text: string) =>
      events(
        `(metadata->>'correlationId' = $1 OR type = $1 OR stream_id = $1
          OR stream_id LIKE replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
          ${UUID.test(text) ? 'OR event_id = $1::uuid' : ''})`,
        [text],
      ),
    /** Every event of one correlation (a conversation across commands and services). */
    correlated: (correlationId: string) =>
      events(`metadata->>'correlationId' = $1`, [correlationId], 'ASC'),
  };
}

export type LogQueries = ReturnType<typeof logQueries>;
