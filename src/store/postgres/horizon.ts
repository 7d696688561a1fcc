import type { SqlExecutor } from './drivers/types.js';

/**
 * The open transaction holding every reader of the log back. Readers never pass an event that
 * an open transaction could still place before it, so the oldest transaction with a
 * transaction id, in any database of the cluster, is where they all wait.
 */
export interface HorizonHolder {
  /** Its backend's process id; `null` for a prepared (two-phase) transaction, which has none. */
  readonly pid: number | null;
  readonly database: string | null;
  readonly user: string | null;
  readonly applicationName: string | null;
  /** `active`, `idle in transaction`, … or `prepared` (end it with `ROLLBACK PREPARED`). */
  readonly state: string | null;
  /** Seconds since the transaction began. */
  readonly ageSeconds: number;
  /** The name of a prepared transaction. */
  readonly preparedAs: string | null;
}

/** What holds the visibility horizon, if anything has held it for long enough to matter. */
export interface HorizonReport {
  /** The oldest open transaction with an id, when it is at least `olderThanMs` old. */
  readonly heldBy: HorizonHolder | undefined;
  /**
   * False when Strata's role may not see other roles' transactions (PostgreSQL hides them
   * without `pg_read_all_stats`), so a holder may go unnamed.
   */
  readonly seesAllSessions: boolean;
}

interface HolderRow {
  readonly pid: number | null;
  readonly database: string | null;
  readonly user: string | null;
  readonly application_name: string | null;
  readonly state: string | null;
  readonly age_seconds: number;
  readonly prepared_as: string | null;
}

// Only transactions with an id (they wrote, or took a row lock) hold back
// pg_snapshot_xmin(pg_current_snapshot()); readers' snapshots do not. Prepared transactions
// have no session but hold it until committed or rolled back.
const OLDEST_HOLDER = `
SELECT pid, database, "user", application_name, state, age_seconds, prepared_as
  FROM (SELECT pid, datname::text AS database, usename::text AS "user", application_name, state,
               extract(epoch FROM clock_timestamp() - xact_start)::float8 AS age_seconds,
               NULL::text AS prepared_as, backend_xid AS xid
          FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL
        UNION ALL
        SELECT NULL, database::text, owner::text, NULL, 'prepared',
               extract(epoch FROM clock_timestamp() - prepared)::float8, gid, transaction
          FROM pg_prepared_xacts) AS holders
 ORDER BY age(xid) DESC
 LIMIT 1`;

/** The transaction holding the horizon if it is at least `olderThanMs` old. */
export async function readHorizon(sql: SqlExecutor, olderThanMs: number): Promise<HorizonReport> {
  const [row] = await sql.query<HolderRow>(OLDEST_HOLDER);
  const [role] = await sql.query<{ sees_all: boolean }>(
    `SELECT pg_has_role('pg_read_all_stats', 'USAGE') AS sees_all`,
  );
  const seesAllSessions = role?.sees_all === true;
  if (row === undefined || row.age_seconds * 1000 < olderThanMs) {
    return { heldBy: undefined, seesAllSessions };
  }
  return {
    seesAllSessions,
    heldBy: {
      pid: row.pid,
      database: row.database,
      user: row.user,
      applicationName: row.application_name,
      state: row.state,
      ageSeconds: Math.round(row.age_seconds * 10) / 10,
      preparedAs: row.prepared_as,
    },
  };
}

/** One line naming `holder`, for logs, the CLI and error messages. */
export function describeHolder(holder: HorizonHolder): string {
  const who =
    holder.pid === null
      ? `prepared transaction ${JSON.stringify(holder.preparedAs)}`
      : `pid ${holder.pid}`;
  const details = [
    holder.database === null ? undefined : `database ${holder.database}`,
    holder.user === null ? undefined : `user ${holder.user}`,
    holder.applicationName ? `application ${JSON.stringify(holder.applicationName)}` : undefined,
    holder.state ?? undefined,
  ].filter((part) => part !== undefined);
  return `${who} (${details.join(', ')}) has held a transaction open for ${holder.ageSeconds} s`;
}
