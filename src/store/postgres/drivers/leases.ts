import pg from 'pg';

import type { Lease } from './types.js';

/**
 * Leases of one process: a key is held at most once here, whatever the database says (a
 * PostgreSQL session may take the same advisory lock twice).
 */
export function createLocalLeases() {
  const held = new Set<string>();
  return {
    /** Marks `key` held; false when this process holds it already. */
    take(key: string): boolean {
      if (held.has(key)) return false;
      held.add(key);
      return true;
    },
    drop(key: string): void {
      held.delete(key);
    },
    holds: (key: string): boolean => held.has(key),
  };
}

/** PGlite has one process: a lease is the in-process mark alone, and is never lost. */
export function inProcessLease(
  key: string,
  local: ReturnType<typeof createLocalLeases>,
): Lease | undefined {
  if (!local.take(key)) return undefined;
  return {
    lost: new Promise<void>(() => undefined),
    release: () => {
      local.drop(key);
      return Promise.resolve();
    },
  };
}

/**
 * Leases as PostgreSQL session advisory locks, all held on one dedicated connection: if this
 * process dies or the connection drops, the server releases them and another process can take
 * over. A dropped connection ends every lease taken on it; the next lease opens a new one.
 * `close` ends every connection this made, including any still connecting.
 */
export function createAdvisoryLeases(config: pg.ClientConfig, namespace: string) {
  const local = createLocalLeases();
  /** Every connection opened and not yet ended: `close` ends them all. */
  const clients = new Set<pg.Client>();
  let closed = false;
  let session: Promise<{ client: pg.Client; lost: Promise<void> }> | undefined;
  // One connection answers one query at a time: lease requests take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
  };

  const openSession = () => {
    const client = new pg.Client(config);
    clients.add(client);
    let settleLost = (): void => undefined;
    const lost = new Promise<void>((settle) => (settleLost = settle));
    const opened = client.connect().then(() => ({ client, lost }));
    const dropped = () => {
      // pg reports a drop as 'error' and later 'end': by then a replacement may be the
      // session, and forgetting it would leave it open after close.
      if (session === opened) session = undefined;
      settleLost();
      client.end().catch(() => undefined);
    };
    client.on('error', dropped);
    client.on('end', () => {
      clients.delete(client);
      dropped();
    });
    return opened;
  };

  return {
    async tryLease(key: string): Promise<Lease | undefined> {
      if (closed) throw new Error('The store is closed');
      if (!local.take(key)) return undefined;
      const current = (session ??= openSession());
      try {
        const { client, lost } = await current;
        const lockKey = `${namespace}:${key}`;
        const { rows } = await inTurn(() =>
          client.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
            [lockKey],
          ),
        );
        if (rows[0]?.locked !== true) {
          local.drop(key);
          return undefined;
        }
        void lost.then(() => {
          local.drop(key);
        });
        return {
          lost,
          async release() {
            local.drop(key);
            await inTurn(() =>
              client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]),
            ).catch(() => undefined);
          },
        };
      } catch (error) {
        local.drop(key);
        if (session === current) session = undefined;
        throw error;
      }
    },
    /** Whether this process holds `key`, and the advisory lock's name for the server. */
    describe: (key: string) => ({ thisProcess: local.holds(key), lockKey: `${namespace}:${key}` }),
    async close(): Promise<void> {
      closed = true;
      session = undefined;
      await Promise.all([...clients].map((client) => client.end().catch(() => undefined)));
    },
  };
}
