import pg from 'pg';

import { createAdvisoryLeases } from './leases.js';
import { assertSchemaName, type SqlDriver, type SqlExecutor } from './types.js';

export interface PgDriverOptions {
  /** A `postgres://` URL, usually from `DATABASE_URL`. */
  readonly connectionString: string;
  /** Schema of Strata's tables; default `strata`. */
  readonly schema?: string;
  /** Most connections the pool opens; default 10. */
  readonly maxConnections?: number;
}

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

/** A driver over a `pg` connection pool, for a PostgreSQL server. */
export function createPgDriver(options: PgDriverOptions): SqlDriver {
  const { connectionString, schema = 'strata', maxConnections = 10 } = options;
  assertSchemaName(schema);
  const config: pg.PoolConfig = {
    ...withSearchPath(connectionString, schema),
    max: maxConnections,
    types,
  };
  const pool = new pg.Pool(config);
  const leases = createAdvisoryLeases(config, schema);
  // An idle client that loses its connection emits here; the pool drops it and opens another.
  pool.on('error', () => undefined);

  return {
    kind: 'pg',
    schema,
    ...executorOf(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executorOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, onNotification) => listenOn(config, channel, onNotification),
    tryLease: (key) => leases.tryLease(key),
    async close() {
      await leases.close();
      await pool.end();
    },
  };
}

/**
 * Adds `search_path` to the connection's startup options. Options given in the URL win over the
 * config object in `pg`, so the URL's own options are moved into the merged value.
 */
function withSearchPath(
  connectionString: string,
  schema: string,
): { connectionString: string; options: string } {
  const url = new URL(connectionString);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  return {
    connectionString: url.toString(),
    options: [own, `-c search_path=${schema}`].filter(Boolean).join(' '),
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
 * Holds one dedicated connection in LISTEN. If it drops, it reconnects with backoff; readers
 * also poll slowly, so a notification lost during a reconnect only delays them.
 */
async function listenOn(
  config: pg.PoolConfig,
  channel: string,
  onNotification: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryDelayMs = 100;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on('notification', onNotification);
    next.on('error', () => {
      if (stopped) return;
      client = undefined;
      next.end().catch(() => undefined);
      setTimeout(reconnect, retryDelayMs).unref();
      retryDelayMs = Math.min(retryDelayMs * 2, 5_000);
    });
    await next.connect();
    await next.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    client = next;
    retryDelayMs = 100;
    // A commit may have happened while disconnected: wake the reader once to look.
    onNotification();
  };
  const reconnect = (): void => {
    if (!stopped) connect().catch(() => setTimeout(reconnect, retryDelayMs).unref());
  };

  await connect();
  return async () => {
    stopped = true;
    await client?.end();
  };
}
