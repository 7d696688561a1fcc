import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem } from '../../src/app/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { collectOutput, untilExit, untilPrinted } from '../support/child-process.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import { spawnStrata, startServer } from '../support/strata-process.js';

/** One line of error, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('the strata CLI on PGlite', () => {
  let dataDir: string;
  const strata = (...args: string[]) => runStrataInProcess(['--data-dir', dataDir, ...args]);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-cli-'));
    const system = await createSystem({
      app: devpie,
      driver: await createPgliteDriver({ dataDir }),
    });
    await system.start();
    await system.commands.send({
      type: 'identity.RegisterUser',
      data: { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
    });
    await system.commands.send({
      type: 'projects.CreateProject',
      data: { projectId: 'apollo', ownerId: 'ada', name: 'Apollo' },
    });
    await system.stop();
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('migrates, and says so when there is nothing to do', async () => {
    const result = await strata('migrate');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('The schema is up to date.');
  });

  it('lists streams and shows one', async () => {
    const list = await strata('streams', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^project-apollo\tversion 1\t/m);
    expect(list.stdout).toMatch(/^user-ada\tversion 1\t/m);
    const category = await strata('streams', 'list', '--category', 'user');
    expect(category.stdout).not.toContain('project-apollo');
    const show = await strata('streams', 'show', 'user-ada');
    expect(JSON.parse(show.stdout.trim().split('\n')[0]!)).toMatchObject({
      stream: 'user-ada',
      version: 1,
      type: 'identity.UserRegistered',
    });
  });

  it('tails the log, and follows it until interrupted', async () => {
    const tail = await strata('events', 'tail', '--limit', '10');
    expect(
      tail.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type),
    ).toEqual(expect.arrayContaining(['identity.UserRegistered', 'projects.ProjectCreated']));
    // Interrupting is what this is about: a process of its own.
    const follower = spawnStrata(['--data-dir', dataDir, 'events', 'tail', '--follow']);
    await untilPrinted(follower, collectOutput(follower), /projects\.ProjectCreated/);
    const exited = untilExit(follower, 20_000);
    follower.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('lists projections and rebuilds one with progress', async () => {
    const list = await strata('projections', 'list');
    expect(list.stdout).toMatch(/^projects\.detail\tv1\tgeneration 1 \(v1\)/m);
    const rebuild = await strata('projections', 'rebuild', 'projects.detail');
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toContain('Rebuilt projects.detail as generation 2');
    // Not a terminal: plain lines, the last at 100%.
    expect(rebuild.stderr).not.toContain('\r');
    expect(rebuild.stderr).not.toContain('\u001b');
    expect(rebuild.stderr.trim().split('\n').at(-1)).toMatch(/\] 100% (\d+)\/\1 events/);
    expect((await strata('projections', 'list')).stdout).toMatch(
      /^projects\.detail\tv1\tgeneration 2 \(v1\)\t0 events unread, 0 s behind$/m,
    );
    expect((await strata('projections', 'abandon', 'projects.detail')).stdout).toContain(
      'No build of projects.detail is under way.',
    );
    // Read from the database: this process runs none of the subscribers it reports.
    const status = await strata('status');
    expect(status.stdout).toMatch(/^Database: accepts writes$/m);
    expect(status.stdout).toMatch(
      /^projection:projects\.detail:g2\tat \S+\t0 events unread\tsaved /m,
    );
    expect(status.stdout).toMatch(/^reactor:estimation\.open-on-task-added\tat /m);
  });

  it('lists parked events and refuses to retry one that is not there', async () => {
    expect((await strata('parked', 'list')).stdout).toContain('No parked events.');
    const retry = await strata('parked', 'retry', 'projection:projects.detail:g2', '999');
    expect(retry.code).toBe(1);
    expectOneLineError(retry.stderr, /^strata: .*no failed parked event at position 999/);
  });

  it('refuses a bad flag with one clear line', async () => {
    const result = await strata('streams', 'list', '--bogus');
    expect(result.code).not.toBe(0);
    expectOneLineError(result.stderr, /unknown option '--bogus'/);
    const badNumber = await strata('streams', 'list', '--limit', 'many');
    expect(badNumber.code).not.toBe(0);
    expectOneLineError(badNumber.stderr, /limit must be a whole number/);
  });

  it('refuses to open a data directory a running server holds, naming the holder', async () => {
    const server = await startServer(['--data-dir', dataDir]);
    try {
      const result = await strata('streams', 'list');
      expect(result.code).toBe(1);
      expectOneLineError(result.stderr, new RegExp(`in use by process ${server.child.pid}`));
    } finally {
      await server.stop();
    }
  });

  it('refuses a bad configuration with a clear message', async () => {
    const result = await runStrataInProcess(['serve'], {
      HOST: '0.0.0.0',
      STRATA_DATA_DIR: dataDir,
    });
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, /Listening on 0\.0\.0\.0 needs API keys/);
    const port = await runStrataInProcess(['serve', '--port', '99999']);
    expectOneLineError(port.stderr, /port must be <= 65535/);
  });
});

describe('the strata CLI and PostgreSQL', () => {
  it('fails with one line when the database is unreachable', async () => {
    const result = await runStrataInProcess([
      '--database-url',
      'postgres://postgres:secret@127.0.0.1:5999/test',
      'streams',
      'list',
    ]);
    expect(result.code).toBe(1);
    expectOneLineError(
      result.stderr,
      /^strata: Cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5999\/test/,
    );
    expect(result.stderr).not.toContain('secret');
  });
});

describePostgres('the strata CLI on PostgreSQL', () => {
  const schema = uniqueSchemaName();
  afterAll(() => dropSchema(schema));

  it('migrates a fresh schema, then finds it up to date', async () => {
    const env = { DATABASE_URL: TEST_DATABASE_URL, STRATA_SCHEMA: schema };
    const first = await runStrataInProcess(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied 001_events\.sql/);
    expect((await runStrataInProcess(['migrate'], env)).stdout).toContain('up to date');
    expect((await runStrataInProcess(['streams', 'list'], env)).stdout).toContain('No streams.');
  });

  it('refuses, in one line saying what to do, a log ahead of the transaction counter', async () => {
    const env = { DATABASE_URL: TEST_DATABASE_URL, STRATA_SCHEMA: schema };
    expect((await runStrataInProcess(['migrate'], env)).code).toBe(0);
    // What a pg_dump restored onto a younger cluster looks like: ids beyond its counter.
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO ${schema}.events (event_id, stream_id, stream_version, type, schema_version,
                                      data, metadata, transaction_id)
         VALUES (gen_random_uuid(), 'user-moved', 1, 'identity.UserRegistered', 1, '{}', '{}',
                 pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000000)`,
      );
    } finally {
      await client.end();
    }
    const result = await runStrataInProcess(['streams', 'list'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expectOneLineError(
      result.stderr,
      /^strata: The log was written by transactions up to id \d+, but this PostgreSQL cluster's transaction counter is only at \d+.*Moving the database/,
    );
  });
});
