import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import {
  describePostgres,
  strataSessionsOf,
  terminateSessions,
  TEST_DATABASE_URL,
  useFreshSchemas,
} from '../support/postgres.js';
import { startServer } from '../support/strata-process.js';

/** Longer than serve's own limit (10 s): a process still running then hangs for good. */
const HANG_MS = 20_000;
const HANGING_APP = fileURLToPath(new URL('../support/hanging-app.ts', import.meta.url));

/** The exit code of `child`, or 'still running' if it has not exited within `ms`. */
async function exitWithin(child: ChildProcess, ms: number): Promise<number | null | string> {
  if (child.exitCode !== null) return child.exitCode;
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    new Promise<number | null>((settle) => child.once('exit', settle)),
    new Promise<string>((settle) => {
      timer = setTimeout(() => {
        settle('still running');
      }, ms);
    }),
  ]);
  clearTimeout(timer);
  return code;
}

describePostgres('strata serve stopping', () => {
  const freshSchema = useFreshSchemas();

  it('exits cleanly on SIGTERM after its lease and LISTEN connections were dropped', async () => {
    const schema = freshSchema();
    const server = await startServer([], {
      DATABASE_URL: TEST_DATABASE_URL,
      STRATA_SCHEMA: schema,
    });
    try {
      const roles = (sessions: { applicationName: string; pid: number }[]) =>
        new Map(sessions.map((session) => [session.applicationName, session.pid]));
      const lease = `strata-lease/${schema}`;
      const listen = `strata-listen/${schema}`;
      const before = roles(
        await readUntil(
          () => strataSessionsOf(schema),
          (sessions) => roles(sessions).has(lease) && roles(sessions).has(listen),
        ),
      );
      expect([...before.keys()]).toEqual(expect.arrayContaining([lease, listen]));

      await terminateSessions(lease);
      await terminateSessions(listen);
      // The server takes its leases again and listens again, on new connections.
      const after = roles(
        await readUntil(
          () => strataSessionsOf(schema),
          (sessions) =>
            sessions.some((s) => s.applicationName === lease && s.pid !== before.get(lease)) &&
            sessions.some((s) => s.applicationName === listen && s.pid !== before.get(listen)),
        ),
      );
      expect(after.get(lease)).not.toBe(before.get(lease));
      expect(after.get(listen)).not.toBe(before.get(listen));

      server.child.kill('SIGTERM');
      const code = await exitWithin(server.child, HANG_MS);
      expect({ code, output: server.output() }).toEqual({
        code: 0,
        output: expect.stringContaining('Stopped.') as unknown,
      });
      expect(server.output()).not.toContain('did not finish');
      const left = await readUntil(
        () => strataSessionsOf(schema),
        (sessions) => sessions.length === 0,
        5_000,
      );
      expect(left).toEqual([]);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('exits within its time limit, saying so, when a subscriber never finishes', async () => {
    const server = await startServer(['--app', HANGING_APP], {
      DATABASE_URL: TEST_DATABASE_URL,
      STRATA_SCHEMA: freshSchema(),
      STRATA_SHUTDOWN_TIMEOUT_MS: '500',
    });
    try {
      const response = await fetch(`${server.url}/commands/identity.RegisterUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', name: 'Ada' }),
      });
      expect(response.status).toBe(200);
      await readUntil(
        () => Promise.resolve(server.output()),
        (output) => output.includes('never-done: handling'),
      );
      server.child.kill('SIGTERM');
      expect(await exitWithin(server.child, HANG_MS)).toBe(1);
      expect(server.output()).toContain('stopping did not finish within 500 ms; exiting anyway');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
