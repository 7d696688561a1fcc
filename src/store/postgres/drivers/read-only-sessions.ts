import type pg from 'pg';

/**
 * Keeps sessions that were opened while the database was read-only out of use once it is seen
 * writable again.
 *
 * A session takes `default_transaction_read_only` when it connects and keeps it, so a pool
 * filled during a read-only spell (a failover, an operator's `ALTER DATABASE … SET
 * default_transaction_read_only`) would keep refusing writes, one pooled session at a time,
 * long after the database took writes again. Each new session reads its setting once; when a
 * session opened later than a read-only one reports writable, the read-only one is stale and is
 * closed instead of handed out.
 */
export interface ReadOnlySessions {
  /** A pooled client fit for writing as far as is known: stale read-only sessions are closed. */
  checkout(): Promise<pg.PoolClient>;
}

const READ_ONLY_DEFAULT = `SELECT current_setting('default_transaction_read_only') AS read_only`;

interface Session {
  /** Order in which it connected. */
  readonly opened: number;
  /** Its read-only default, once known; a session whose read failed counts as writable. */
  readonly readOnly: Promise<boolean>;
}

/** Watches the sessions of `pool` so that stale read-only ones are closed, not handed out. */
export function watchReadOnlySessions(pool: pg.Pool): ReadOnlySessions {
  const sessions = new WeakMap<pg.PoolClient, Session>();
  let opened = 0;
  /** The latest-opened session seen writable: read-only sessions opened before it are stale. */
  let writableSince = 0;

  // Queued ahead of the first caller's statements on the new session: one round trip per
  // connection, not per transaction.
  pool.on('connect', (client) => {
    const order = ++opened;
    const readOnly = client
      .query<{ read_only: string }>(READ_ONLY_DEFAULT)
      .then(({ rows: [row] }) => row?.read_only === 'on')
      .catch(() => false);
    void readOnly.then((isReadOnly) => {
      if (!isReadOnly) writableSince = Math.max(writableSince, order);
    });
    sessions.set(client, { opened: order, readOnly });
  });

  return {
    async checkout() {
      for (;;) {
        const client = await pool.connect();
        const session = sessions.get(client);
        if (session === undefined || !(await session.readOnly) || session.opened > writableSince) {
          return client;
        }
        // Closed, not pooled: the pool opens a fresh session in its place.
        client.release(true);
      }
    },
  };
}
