import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem } from '../../src/app/index.js';
import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
} from '../../src/store/index.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import { runStrataInProcess } from '../support/strata-cli.js';

/** Every command that only reads: none may create what it was pointed at. */
const READING_COMMANDS = [
  ['streams', 'list'],
  ['streams', 'show', 'user-ada'],
  ['events', 'tail'],
  ['projections', 'list'],
  ['parked', 'list'],
  ['status'],
];

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs every reading command with `args` and expects each to say there is no store at `place`. */
async function expectNoStoreEverywhere(
  args: readonly string[],
  place: string,
  env: Record<string, string> = {},
): Promise<void> {
  for (const command of READING_COMMANDS) {
    const run = await runStrataInProcess([...args, ...command], env);
    expect({ command, code: run.code, stdout: run.stdout }).toEqual({
      command,
      code: 1,
      stdout: '',
    });
    expect(run.stderr).toMatch(new RegExp(`^strata: no Strata store at ${escaped(place)} \\(`));
  }
}

describe('reading commands on PGlite', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'strata-reading-'));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('say there is no store at a missing data directory, and do not create it', async () => {
    const dataDir = path.join(parent, 'missing');
    await expectNoStoreEverywhere(['--data-dir', dataDir], dataDir);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('say there is no store in an empty directory, and leave it empty', async () => {
    const dataDir = path.join(parent, 'empty');
    await mkdir(dataDir);
    await expectNoStoreEverywhere(['--data-dir', dataDir], dataDir);
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describePostgres('reading commands on PostgreSQL', () => {
  const freshSchema = useFreshSchemas();
  const env = { DATABASE_URL: TEST_DATABASE_URL };
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const tablesIn = async (schema: string) =>
    (
      await client.query<{ name: string }>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      )
    ).rows;

  it('say there is no store in a schema that does not exist, and do not create it', async () => {
    const schema = freshSchema();
    await expectNoStoreEverywhere(
      ['--schema', schema],
      `${TEST_DATABASE_URL} (schema ${schema})`,
      env,
    );
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(found.rowCount).toBe(0);
  });

  it('say there is no store in a schema that is not Strata’s, and create no table in it', async () => {
    const schema = freshSchema();
    await client.query(`CREATE SCHEMA ${schema}`);
    await expectNoStoreEverywhere(
      ['--schema', schema],
      `${TEST_DATABASE_URL} (schema ${schema})`,
      env,
    );
    expect(await tablesIn(schema)).toEqual([]);
  });

  it('refuse a store behind this code, saying to migrate, and change nothing', async () => {
    const schema = freshSchema();
    const store = await createPostgresEventStore({
      driver: createPgDriver({ connectionString: TEST_DATABASE_URL, schema }),
    });
    await store.close();
    await client.query(
      `DELETE FROM ${schema}.schema_migrations WHERE version = (SELECT max(version) FROM ${schema}.schema_migrations)`,
    );
    const run = await runStrataInProcess(['--schema', schema, 'streams', 'list'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/lacks \d+_\w+\.sql: run `strata migrate` first\n$/);
    const recorded = await client.query(`SELECT 1 FROM ${schema}.schema_migrations`);
    expect((await runStrataInProcess(['--schema', schema, 'parked', 'list'], env)).code).toBe(1);
    expect((await client.query(`SELECT 1 FROM ${schema}.schema_migrations`)).rowCount).toBe(
      recorded.rowCount,
    );
  });
});

describe('strata events tail', () => {
  let dataDir: string;
  const tail = (...args: string[]) =>
    runStrataInProcess(['--data-dir', dataDir, 'events', 'tail', ...args]);
  const positions = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { position: number }).position);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-tail-'));
    const store = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    for (let i = 1; i <= 25; i++) {
      await store.appendToStream(`thing-${i}`, [{ type: 'test.Happened', data: { i } }]);
    }
    await store.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('prints the whole log, whatever the page size', async () => {
    const run = await tail('--limit', '10');
    expect(run.code).toBe(0);
    expect(positions(run.stdout)).toHaveLength(25);
    expect(positions(run.stdout)).toEqual([...positions(run.stdout)].sort((a, b) => a - b));
  });

  it('stops after --max events, and resumes after a cursor', async () => {
    const first = await tail('--limit', '3', '--max', '7');
    expect(positions(first.stdout)).toHaveLength(7);
    const lastLine = first.stdout.trim().split('\n').at(-1) ?? '';
    const { cursor } = JSON.parse(lastLine) as { cursor: string };
    const rest = await tail('--after', cursor, '--limit', '4');
    expect(positions(rest.stdout)).toHaveLength(18);
    expect(positions(rest.stdout)[0]).toBeGreaterThan(positions(first.stdout).at(-1) ?? 0);
  });

  it('refuses a page size of zero, naming the flag', async () => {
    const run = await tail('--limit', '0');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/limit must be a whole number ≥ 1/);
  });
});

describe('strata projections list', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-lag-'));
    const system = await createSystem({
      app: devpie,
      driver: await createPgliteDriver({ dataDir }),
    });
    await system.start();
    const sent = await system.commands.send({
      type: 'identity.RegisterUser',
      data: { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
    });
    expect(await system.projections.waitUntilCaughtUp('identity.users', sent.cursor!, 30_000)).toBe(
      true,
    );
    await system.stop();
    // Appended while no process runs the projections: they fall behind.
    const store = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    for (const userId of ['bob', 'cy', 'di']) {
      await store.appendToStream(`user-${userId}`, [
        {
          type: 'identity.UserRegistered',
          data: { userId, email: `${userId}@example.com`, name: userId },
        },
      ]);
    }
    await store.close();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('shows how far behind each projection is, in events and seconds', async () => {
    // The oldest unread event must be at least a second old for the lag to read ≥ 1 s.
    await sleep(1_100);
    const run = await runStrataInProcess(['--data-dir', dataDir, 'projections', 'list']);
    expect(run.code).toBe(0);
    const line =
      /^identity\.users\tv1\tgeneration 1 \(v1\)\t3 events unread, (\d+) s behind$/m.exec(
        run.stdout,
      );
    expect(line, run.stdout).not.toBeNull();
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(1);
  });
});
