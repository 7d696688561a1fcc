import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { expect, it } from 'vitest';

import { createPgDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import {
  describePostgres,
  serverSessions,
  strataSessionsOf,
  terminateSessions,
  TEST_DATABASE_URL,
  useFreshSchemas,
} from '../support/postgres.js';

describePostgres("the PostgreSQL driver's connections", () => {
  const freshSchema = useFreshSchemas();

  it('closes every connection it made, replacements of dropped ones included', async () => {
    const schema = freshSchema();
    const driver = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
    await driver.query('SELECT 1');
    // Never unlistened: close must stop it all the same.
    await driver.listen('strata_test_connections', () => undefined);
    const lease = await driver.tryLease('first');
    expect(lease).toBeDefined();
    const names = (await strataSessionsOf(schema)).map((session) => session.applicationName);
    expect(new Set(names)).toEqual(
      new Set([`strata/${schema}`, `strata-lease/${schema}`, `strata-listen/${schema}`]),
    );

    // The lease connection drops; a lease taken the moment the first is lost opens the
    // replacement before pg's late 'end' event of the dropped connection.
    const replaced = lease?.lost.then(() => driver.tryLease('second'));
    await terminateSessions(`strata-lease/${schema}`);
    expect(await replaced).toBeDefined();
    // The LISTEN connection drops and reconnects by itself.
    const [listening] = (await strataSessionsOf(schema)).filter(
      (session) => session.applicationName === `strata-listen/${schema}`,
    );
    await terminateSessions(`strata-listen/${schema}`);
    const relistened = await readUntil(
      () => strataSessionsOf(schema),
      (sessions) =>
        sessions.some(
          (session) =>
            session.applicationName === `strata-listen/${schema}` && session.pid !== listening?.pid,
        ),
    );
    expect(relistened.map((session) => session.applicationName)).toContain(
      `strata-listen/${schema}`,
    );
    // Let any late event of the dropped connections arrive before closing.
    await sleep(100);

    await driver.close();
    const left = await readUntil(
      () => strataSessionsOf(schema),
      (sessions) => sessions.length === 0,
      5_000,
    );
    expect(left).toEqual([]);
  });

  it('keeps its pool, lease and LISTEN connections alive with TCP keepalive', async () => {
    const schema = freshSchema();
    const driver = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await driver.query('SELECT 1');
      await driver.listen('strata_test_keepalive', () => undefined);
      const lease = await driver.tryLease('keepalive');
      expect(lease).toBeDefined();
      const sessions = await serverSessions(schema);
      expect(sessions).toHaveLength(3);
      for (const session of sessions) {
        // The client's side of each connection, as the kernel sees it: `ss -o` shows a
        // keepalive timer only on sockets with SO_KEEPALIVE set.
        expect(session.clientPort, 'the test database must be reached over TCP').toBeGreaterThan(0);
        const { stdout } = await promisify(execFile)('ss', [
          '-tnoH',
          'state',
          'established',
          `( sport = :${session.clientPort} )`,
        ]);
        expect(stdout, session.applicationName).toContain('timer:(keepalive');
      }
    } finally {
      await driver.close();
    }
  });

  it('sets idle_in_transaction_session_timeout on its sessions, 60 s unless configured', async () => {
    const schema = freshSchema();
    const byDefault = createPgDriver({ connectionString: TEST_DATABASE_URL, schema });
    const configured = createPgDriver({
      connectionString: TEST_DATABASE_URL,
      schema,
      idleInTransactionTimeoutMs: 300,
    });
    try {
      const setting = (driver: typeof byDefault) =>
        driver.transaction(async (tx) => {
          const [row] = await tx.query<{ timeout: string }>(
            `SELECT current_setting('idle_in_transaction_session_timeout') AS timeout`,
          );
          return row?.timeout;
        });
      expect(await setting(byDefault)).toBe('1min');
      expect(await setting(configured)).toBe('300ms');
      // A transaction left idle past the timeout is ended by the server.
      const stuck = configured.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await sleep(1_000);
        await tx.query('SELECT 1');
      });
      await expect(stuck).rejects.toThrow(/idle-in-transaction|terminat/i);
      // The pool replaces the ended session.
      expect(await configured.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await Promise.all([byDefault.close(), configured.close()]);
    }
  });
});
