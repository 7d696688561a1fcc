import pg from 'pg';

import { TransactionRolledBackError } from '../../errors.js';
import { unavailableReason } from '../translate-error.js';
import { createAdvisoryLeases } from './leases.js';
import { watchReadOnlySessions } from './read-only-sessions.js';
import { assertSchemaName, type SqlDriver, type SqlExecutor } from './types.js';

/** What `createPgDriver` needs: the database URL, and optionally schema and pool size. */
export interface PgDriverOptions {
  /** A `postgres://` URL, usually from `DATABASE_URL`. */
  readonly connectionString: string;
  /** Schema of Strata's tables; default `strata`. */
  readonly schema?: string;
  /** Most connections the pool opens; default 10. */
  readonly maxConnections?: number;
  /**
   * PostgreSQL ends a session of Strata's that sits idle inside a transaction for longer than
   * this, in milliseconds, so a stuck one cannot hold the log's visibility horizon (and so every
   * reader) back for good; 0 turns it off. Default 60 000. A setting in the URL's `options` wins.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

/** The default of `idleInTransactionTimeoutMs`. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
// pg's TypeId lists scalar types only; its parser table knows the int8[] oid all the same.
const getTypeParser = pg.types.getTypeParser as (oid: number, format?: string) => unknown;
const parseInt8Array = getTypeParser(INT8_ARRAY_OID) as (text: string) => string[];

// Positions and versions are int8; they stay far below 2^53, so numbers are exact and
// friendlier than strings or bigints for every caller. PGlite parses int8 the same way.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return Number;
    if (oid === INT8_ARRAY_OID) return (text: string) => parseInt8Array(text).map(Number);
    return getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/**
 * A driver over a `pg` connection pool, for a PostgreSQL server. Its sessions are named in
 * `pg_stat_activity.application_name`: `strata/<schema>` for the pool, `strata-lease/<schema>`
 * and `strata-listen/<schema>` for the dedicated lease and LISTEN connections (unless the URL
 * sets `application_name`). `close` ends every connection it opened.
 */
export function createPgDriver(options: PgDriverOptions): SqlDriver {
  const {
    connectionString,
    schema = 'strata',
    maxConnections = 10,
    idleInTransactionTimeoutMs = IDLE_IN_TRANSACTION_TIMEOUT_MS,
  } = options;
  assertSchemaName(schema);
  const config: pg.ClientConfig = {
    ...withSessionOptions(connectionString, schema, idleInTransactionTimeoutMs),
    types,
    // A peer that vanishes without closing (a dead host, a dropped NAT entry) is noticed.
    keepAlive: true,
  };
  const pool = new pg.Pool({
    ...config,
    max: maxConnections,
    application_name: `strata/${schema}`,
  });
  const leases = createAdvisoryLeases(
    { ...config, application_name: `strata-lease/${schema}` },
    schema,
  );
  const listenConfig = { ...config, application_name: `strata-listen/${schema}` };
  /** Listeners still running: `close` stops those their owners did not. */
  const listeners = new Set<() => Promise<void>>();
  let closed = false;
  const refuseIfClosed = () => {
    if (closed) throw new Error('The store is closed');
  };
  // An idle client that loses its connection emits here; the pool drops it and opens another.
  pool.on('error', () => undefined);
  const sessions = watchReadOnlySessions(pool);

  return {
    kind: 'pg',
    schema,
    ...poolExecutorOf(() => sessions.checkout()),
    async transaction(work) {
      const client = await sessions.checkout();
      // A session that ends between statements (the idle-in-transaction timeout, a terminated
      // backend) is reported as an 'error' event, which would crash the process unheard.
      let dropped: Error | undefined;
      const onError = (error: Error) => {
        dropped ??= error;
      };
      client.on('error', onError);
      let failure: unknown;
      try {
        await client.query('BEGIN');
        const result = await work(executorOf(client));
        const committed = await client.query('COMMIT');
        // PostgreSQL answers the COMMIT of a transaction a failed statement aborted with
        // ROLLBACK, not an error: the caller must not believe its work was stored.
        if (committed.command === 'ROLLBACK') throw new TransactionRolledBackError();
        return result;
      } catch (error) {
        failure = error;
        await client.query('ROLLBACK').catch(() => undefined);
        // Says why ("terminating connection due to …"), where the failed statement cannot.
        throw dropped ?? error;
      } finally {
        client.off('error', onError);
        // With an error the pool discards the client instead of reusing it: a dead connection,
        // or a session refused as read-only, which keeps its read-only default (set when it
        // connected) after the database is writable again.
        const unusable = unavailableReason(failure) === undefined ? undefined : (failure as Error);
        client.release(dropped ?? unusable);
      }
    },
    async listen(channel, onNotification) {
      refuseIfClosed();
      const stop = await listenOn(listenConfig, channel, onNotification);
      try {
        refuseIfClosed();
      } catch (error) {
        // Closed while connecting: this connection is not left behind.
        await stop();
        throw error;
      }
      const unlisten = async () => {
        listeners.delete(unlisten);
        await stop();
      };
      listeners.add(unlisten);
      return unlisten;
    },
    tryLease: (key) => leases.tryLease(key),
    async leaseHolder(key) {
      const { thisProcess, lockKey } = leases.describe(key);
      // A bigint advisory lock shows in pg_locks as its high and low 32 bits.
      const { rows } = await pool.query<{
        pid: number;
        application_name: string;
        client: string | null;
      }>(
        `SELECT a.pid, a.application_name, host(a.client_addr) AS client
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.classid::bigint = (hashtextextended($1, 0) >> 32) & 4294967295
            AND l.objid::bigint = hashtextextended($1, 0) & 4294967295
          LIMIT 1`,
        [lockKey],
      );
      const [row] = rows;
      if (row === undefined) return thisProcess ? { thisProcess } : undefined;
      return {
        thisProcess,
        pid: row.pid,
        applicationName: row.application_name,
        ...(row.client === null ? {} : { clientAddress: row.client }),
      };
    },
    async close() {
      // A second close (a `finally` after a shutdown) has nothing left to do.
      if (closed) return;
      closed = true;
      await Promise.all([leases.close(), ...[...listeners].map((unlisten) => unlisten())]);
      await pool.end();
    },
  };
}

/**
 * Adds Strata's session settings to the connection's startup options: the idle-in-transaction
 * timeout first, so the URL's own options can override it, and `search_path` last, so they
 * cannot. Options given in the URL win over the config object in `pg`, so the URL's own options
 * are moved into the merged value.
 */
function withSessionOptions(
  connectionString: string,
  schema: string,
  idleInTransactionTimeoutMs: number,
): { connectionString: string; options: string } {
  const url = new URL(connectionString);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  const timeout = `-c idle_in_transaction_session_timeout=${Math.round(idleInTransactionTimeoutMs)}`;
  return {
    connectionString: url.toString(),
    options: [timeout, own, `-c search_path=${schema}`].filter(Boolean).join(' '),
  };
}

function executorOf(queryable: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = [], name?: string) {
      const result = await queryable.query<pg.QueryResultRow>({ text, values: [...params], name });
      return result.rows as Row[];
    },
    async exec(script) {
      await queryable.query(script);
    },
  };
}

/**
 * Statements outside a transaction, each on a pooled connection. A connection whose statement
 * was refused as unavailable (read-only, …) is dropped rather than pooled, as in `transaction`.
 */
function poolExecutorOf(checkout: () => Promise<pg.PoolClient>): SqlExecutor {
  async function onConnection<T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await checkout();
    let unusable: Error | undefined;
    // A connection lost mid-statement also emits 'error', which must not go unheard.
    const onError = (error: Error) => {
      unusable ??= error;
    };
    client.on('error', onError);
    try {
      return await use(client);
    } catch (error) {
      if (unavailableReason(error) !== undefined) unusable ??= error as Error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(unusable);
    }
  }
  return {
    query: (text, params, name) =>
      onConnection((client) => executorOf(client).query(text, params, name)),
    exec: (script) => onConnection((client) => executorOf(client).exec(script)),
  };
}

/**
 * Holds one dedicated connection in LISTEN. If it drops, it reconnects with backoff; readers
 * also poll slowly, so a notification lost during a reconnect only delays them. The returned
 * stop ends whichever connection is current, even one still connecting, and any reconnect due.
 */
async function listenOn(
  config: pg.ClientConfig,
  channel: string,
  onNotification: () => void,
): Promise<() => Promise<void>> {
  let current: pg.Client | undefined;
  let stopped = false;
  let retryDelayMs = 100;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const client = new pg.Client(config);
    current = client;
    let dropped = false;
    // pg may report one drop as several 'error's and an 'end': reconnect once per connection.
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (current === client) current = undefined;
      client.end().catch(() => undefined);
      if (stopped) return;
      retry = setTimeout(() => {
        retry = undefined;
        if (!stopped) connect().catch(() => undefined);
      }, retryDelayMs);
      retry.unref();
      retryDelayMs = Math.min(retryDelayMs * 2, 5_000);
    };
    client.on('notification', onNotification);
    client.on('error', drop);
    client.on('end', drop);
    try {
      await client.connect();
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      drop();
      throw error;
    }
    retryDelayMs = 100;
    // A commit may have happened while disconnected: wake the reader once to look.
    onNotification();
  };

  try {
    await connect();
  } catch (error) {
    // The first connection failing is the caller's to handle: no reconnecting behind its back.
    stopped = true;
    clearTimeout(retry);
    throw error;
  }
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await current?.end().catch(() => undefined);
  };
}
