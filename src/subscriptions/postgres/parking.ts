import {
  decodeCursor,
  encodeCursor,
  type SqlExecutor,
  type StoredEvent,
} from '../../store/index.js';
import type { ParkedEvent } from '../types.js';

/** An event to set aside, and why. */
export interface ParkRequest {
  readonly event: StoredEvent;
  readonly status: 'failed' | 'blocked';
  readonly error?: string;
  readonly attempts?: number;
}

interface ParkedRow {
  readonly subscriber: string;
  readonly transaction_id: number;
  readonly global_position: number;
  readonly event_id: string;
  readonly event_type: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly status: ParkedEvent['status'];
  readonly error: string | null;
  readonly attempts: number;
  readonly requested_action: 'retry' | 'skip' | null;
  readonly parked_at: Date;
  readonly updated_at: Date;
}

const COLUMNS = `subscriber, transaction_id, global_position, event_id, event_type, stream_id,
  stream_version, status, error, attempts, requested_action, parked_at, updated_at`;

function toParkedEvent(row: ParkedRow): ParkedEvent {
  return {
    subscriber: row.subscriber,
    globalPosition: row.global_position,
    cursor: encodeCursor(row.transaction_id, row.global_position),
    eventId: row.event_id,
    eventType: row.event_type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    status: row.status,
    error: row.error ?? undefined,
    attempts: row.attempts,
    requestedAction: row.requested_action ?? undefined,
    parkedAt: row.parked_at,
    updatedAt: row.updated_at,
  };
}

/** Sets events aside for `subscriber`; parking an event twice keeps the first record. */
export async function parkEvents(
  sql: SqlExecutor,
  subscriber: string,
  requests: readonly ParkRequest[],
): Promise<void> {
  for (const { event, status, error, attempts = 0 } of requests) {
    const { transactionId } = decodeCursor(event.cursor);
    await sql.query(
      `INSERT INTO parked_events (subscriber, transaction_id, global_position, event_id,
         event_type, stream_id, stream_version, status, error, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (subscriber, global_position) DO NOTHING`,
      [
        subscriber,
        transactionId,
        event.globalPosition,
        event.id,
        event.type,
        event.streamId,
        event.streamVersion,
        status,
        error ?? null,
        attempts,
      ],
      'strata_park_event',
    );
  }
}

/** Streams that have a failed or blocked event for `subscriber`: their later events wait too. */
export async function blockedStreams(sql: SqlExecutor, subscriber: string): Promise<Set<string>> {
  const rows = await sql.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM parked_events
      WHERE subscriber = $1 AND status IN ('failed', 'blocked')`,
    [subscriber],
  );
  return new Set(rows.map((row) => row.stream_id));
}

/** Parked events, oldest first; skipped ones only when asked for. */
export async function listParked(
  sql: SqlExecutor,
  options: { subscriber?: string; includeSkipped?: boolean } = {},
): Promise<ParkedEvent[]> {
  const rows = await sql.query<ParkedRow>(
    `SELECT ${COLUMNS} FROM parked_events
      WHERE ($1::text IS NULL OR subscriber = $1) AND ($2 OR status <> 'skipped')
      ORDER BY subscriber, transaction_id, global_position`,
    [options.subscriber ?? null, options.includeSkipped ?? false],
  );
  return rows.map(toParkedEvent);
}

/** Counts failed and blocked events of `subscriber`. */
export async function countParked(sql: SqlExecutor, subscriber: string): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `SELECT count(*) AS count FROM parked_events
      WHERE subscriber = $1 AND status IN ('failed', 'blocked')`,
    [subscriber],
    'strata_count_parked',
  );
  return row?.count ?? 0;
}

/**
 * Asks whichever process runs `subscriber` to retry or skip its failed event at `position`.
 * Returns the event's stream; `undefined` when there is no such failed event.
 */
export async function requestParkedAction(
  sql: SqlExecutor,
  subscriber: string,
  globalPosition: number,
  action: 'retry' | 'skip',
): Promise<string | undefined> {
  const [row] = await sql.query<{ stream_id: string }>(
    `UPDATE parked_events SET requested_action = $3, updated_at = now()
      WHERE subscriber = $1 AND global_position = $2 AND status = 'failed'
     RETURNING stream_id`,
    [subscriber, globalPosition, action],
  );
  return row?.stream_id;
}

/**
 * Whether the events of `streamId` parked behind a settled one are still being released: the
 * stream's first held event is a blocked one, no longer behind a failed one.
 */
export async function isReleasing(
  sql: SqlExecutor,
  subscriber: string,
  streamId: string,
): Promise<boolean> {
  const [first] = await sql.query<{ status: string }>(
    `SELECT status FROM parked_events
      WHERE subscriber = $1 AND stream_id = $2 AND status IN ('failed', 'blocked')
      ORDER BY transaction_id, global_position LIMIT 1`,
    [subscriber, streamId],
  );
  return first?.status === 'blocked';
}

/** What operators asked of a subscriber: streams with a retry or skip requested, a pause. */
export interface OperatorRequests {
  readonly streams: string[];
  readonly paused: boolean;
}

/**
 * The streams of `subscriber` with a retry or skip requested on their failed event, and
 * whether it is paused: one query, asked before every page the subscriber reads.
 */
export async function operatorRequests(
  sql: SqlExecutor,
  subscriber: string,
): Promise<OperatorRequests> {
  const rows = await sql.query<{ stream_id: string | null }>(
    `SELECT DISTINCT stream_id FROM parked_events
      WHERE subscriber = $1 AND requested_action IS NOT NULL AND status = 'failed'
     UNION ALL
     SELECT NULL FROM subscriber_pauses WHERE subscriber = $1`,
    [subscriber],
    'strata_operator_requests',
  );
  const streams = rows.flatMap((row) => (row.stream_id === null ? [] : [row.stream_id]));
  return { streams, paused: streams.length < rows.length };
}

/** The failed and blocked events of one stream, in log order. */
export async function parkedQueue(
  sql: SqlExecutor,
  subscriber: string,
  streamId: string,
): Promise<ParkedEvent[]> {
  const rows = await sql.query<ParkedRow>(
    `SELECT ${COLUMNS} FROM parked_events
      WHERE subscriber = $1 AND stream_id = $2 AND status IN ('failed', 'blocked')
      ORDER BY transaction_id, global_position`,
    [subscriber, streamId],
  );
  return rows.map(toParkedEvent);
}

/** The event was handled after all: it is no longer parked. */
export async function unpark(
  sql: SqlExecutor,
  subscriber: string,
  globalPosition: number,
): Promise<void> {
  await sql.query('DELETE FROM parked_events WHERE subscriber = $1 AND global_position = $2', [
    subscriber,
    globalPosition,
  ]);
}

/** Records an outcome of a parked event: failed again, or skipped by an operator. */
export async function settleParked(
  sql: SqlExecutor,
  subscriber: string,
  globalPosition: number,
  outcome: { status: 'failed' | 'skipped'; error?: string; attempts?: number },
): Promise<void> {
  await sql.query(
    `UPDATE parked_events
        SET status = $3, error = coalesce($4, error), attempts = attempts + $5,
            requested_action = NULL, updated_at = now()
      WHERE subscriber = $1 AND global_position = $2`,
    [subscriber, globalPosition, outcome.status, outcome.error ?? null, outcome.attempts ?? 0],
  );
}

/** Forgets every parked event of `subscriber` (a retired projection generation). */
export async function forgetParked(sql: SqlExecutor, subscriber: string): Promise<void> {
  await sql.query('DELETE FROM parked_events WHERE subscriber = $1', [subscriber]);
}
