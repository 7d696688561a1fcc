import type { SqlDriver, SqlExecutor, StoredEvent } from '../store/index.js';

/** One attempt a side effect made on the outside world for one event. */
export interface Attempt {
  readonly event: StoredEvent;
  readonly outcome: 'delivered' | 'failed';
  readonly durationMs: number;
  /** The receiver's HTTP status, when it answered one. */
  readonly httpStatus?: number;
  readonly error?: string;
}

/** Where a side effect's attempts go: the delivery log (and metrics). */
export type AttemptRecorder = (subscriber: string, attempts: readonly Attempt[]) => Promise<void>;

/**
 * Records attempts in the delivery log on `sql`, telling `observer` of them first (metrics
 * count an attempt even when the log cannot be written).
 */
export function attemptRecorder(
  sql: SqlExecutor,
  observer?: (subscriber: string, attempts: readonly Attempt[]) => void,
): AttemptRecorder {
  return async (subscriber, attempts) => {
    observer?.(subscriber, attempts);
    await logAttempts(sql, subscriber, attempts);
  };
}

/** An attempt as the delivery log lists it. */
export interface LoggedAttempt {
  readonly id: number;
  readonly subscriber: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly globalPosition: number;
  readonly streamId: string;
  /** 1 for the first attempt at this event, 2 for its first retry, … */
  readonly attempt: number;
  readonly outcome: 'delivered' | 'failed';
  readonly httpStatus: number | undefined;
  readonly durationMs: number;
  readonly error: string | undefined;
  readonly attemptedAt: Date;
}

/** What a side effect has done so far: its deliveries and failed attempts, the last error. */
export interface AttemptSummary {
  readonly delivered: number;
  readonly failedAttempts: number;
  readonly lastDeliveredAt: Date | undefined;
  readonly lastError: { readonly message: string; readonly at: Date } | undefined;
}

/** Longest error text kept per attempt: a receiver's error page is not the log's to keep. */
const MAX_ERROR_LENGTH = 1_000;

/** Appends `attempts` of `subscriber` to the log in one statement. */
export async function logAttempts(
  sql: SqlExecutor,
  subscriber: string,
  attempts: readonly Attempt[],
): Promise<void> {
  if (attempts.length === 0) return;
  await sql.query(
    `INSERT INTO side_effect_attempts
       (subscriber, event_id, event_type, global_position, stream_id, outcome, http_status,
        duration_ms, error)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                              $7::integer[], $8::integer[], $9::text[])`,
    [
      subscriber,
      attempts.map(({ event }) => event.id),
      attempts.map(({ event }) => event.type),
      attempts.map(({ event }) => event.globalPosition),
      attempts.map(({ event }) => event.streamId),
      attempts.map(({ outcome }) => outcome),
      attempts.map(({ httpStatus }) => httpStatus ?? null),
      attempts.map(({ durationMs }) => Math.round(durationMs)),
      attempts.map(({ error }) => error?.slice(0, MAX_ERROR_LENGTH) ?? null),
    ],
    'strata_log_attempts',
  );
}

interface AttemptRow {
  id: string;
  subscriber: string;
  event_id: string;
  event_type: string;
  global_position: string;
  stream_id: string;
  attempt: string;
  outcome: 'delivered' | 'failed';
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  attempted_at: Date | string;
}

/** What `listAttempts` lists. */
export interface AttemptQuery {
  readonly subscriber: string;
  /** Newest first, at most this many; default 50. */
  readonly limit?: number;
  readonly outcome?: 'delivered' | 'failed';
}

/** The attempts of one subscriber, newest first, each numbered among its event's attempts. */
export async function listAttempts(
  driver: SqlExecutor,
  { subscriber, limit = 50, outcome }: AttemptQuery,
): Promise<LoggedAttempt[]> {
  const rows = await driver.query<AttemptRow>(
    `SELECT * FROM (
       SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY id) AS attempt
         FROM side_effect_attempts WHERE subscriber = $1
     ) numbered
     WHERE $2::text IS NULL OR outcome = $2
     ORDER BY id DESC LIMIT $3`,
    [subscriber, outcome ?? null, limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    subscriber: row.subscriber,
    eventId: row.event_id,
    eventType: row.event_type,
    globalPosition: Number(row.global_position),
    streamId: row.stream_id,
    attempt: Number(row.attempt),
    outcome: row.outcome,
    httpStatus: row.http_status ?? undefined,
    durationMs: row.duration_ms,
    error: row.error ?? undefined,
    attemptedAt: new Date(row.attempted_at),
  }));
}

/** The delivered events, failed attempts and last error of `subscriber`, from its log. */
export async function summarizeAttempts(
  driver: SqlExecutor,
  subscriber: string,
): Promise<AttemptSummary> {
  const [counts] = await driver.query<{
    delivered: string;
    failed: string;
    last_delivered_at: Date | string | null;
  }>(
    `SELECT count(*) FILTER (WHERE outcome = 'delivered') AS delivered,
            count(*) FILTER (WHERE outcome = 'failed') AS failed,
            max(attempted_at) FILTER (WHERE outcome = 'delivered') AS last_delivered_at
       FROM side_effect_attempts WHERE subscriber = $1`,
    [subscriber],
  );
  const [lastError] = await driver.query<{ error: string | null; attempted_at: Date | string }>(
    `SELECT error, attempted_at FROM side_effect_attempts
      WHERE subscriber = $1 AND outcome = 'failed' ORDER BY id DESC LIMIT 1`,
    [subscriber],
  );
  return {
    delivered: Number(counts?.delivered ?? 0),
    failedAttempts: Number(counts?.failed ?? 0),
    lastDeliveredAt:
      counts?.last_delivered_at == null ? undefined : new Date(counts.last_delivered_at),
    lastError:
      lastError === undefined
        ? undefined
        : { message: lastError.error ?? '', at: new Date(lastError.attempted_at) },
  };
}

/** Deletes attempts older than `olderThanMs`; returns how many. */
export async function pruneAttempts(driver: SqlDriver, olderThanMs: number): Promise<number> {
  const rows = await driver.query<{ count: string }>(
    `WITH gone AS (
       DELETE FROM side_effect_attempts
        WHERE attempted_at < now() - make_interval(secs => $1::double precision / 1000)
        RETURNING 1)
     SELECT count(*) FROM gone`,
    [olderThanMs],
  );
  return Number(rows[0]?.count ?? 0);
}
