import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLakeArchiver, directorySink } from '../../src/lake/index.js';
import {
  createPgliteDriver,
  createPostgresEventStore,
  type StoredEvent,
} from '../../src/store/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { collect } from '../support/async.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import { happened, testRegistry } from '../support/test-messages.js';

/** The data files of the lake under `root`, relative, sorted. */
async function dataFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl.gz'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

describe('strata lake ls and verify', () => {
  let dir: string;
  let dataDir: string;
  let lake: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-lake-cli-'));
    dataDir = path.join(dir, 'data');
    lake = path.join(dir, 'lake');
    // A store with events, archived in objects of 10 (four objects), then closed: the CLI opens it after.
    const store = await createPostgresEventStore({
      driver: await createPgliteDriver({ dataDir }),
      registry: testRegistry,
    });
    for (let n = 0; n < 34; n++) await store.appendToStream(`thing-${n % 4}`, [happened(n)]);
    // One the registry has never heard of, in an old schema version: kept as stored.
    await store.driver.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, 'legacy-1', 1, 'old.Thing', 3, '{"kept": true}', '{"correlationId": "c"}')`,
      [crypto.randomUUID()],
    );
    const archiver = createLakeArchiver({ sink: directorySink(lake), maxEvents: 10, lingerMs: 0 });
    const engine = createSubscriptionEngine({ store, subscribers: [archiver.subscriber] });
    engine.start();
    const last = (await collect(store.readAll())).at(-1)!;
    expect(await engine.waitUntilCaughtUp(archiver.subscriber.name, last.cursor, 20_000)).toBe(
      true,
    );
    await engine.stop();
    await store.close();
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const strata = (...args: string[]) =>
    runStrataInProcess(['--data-dir', dataDir, 'lake', ...args], { STRATA_LAKE: lake });

  it('lists the objects with their hour and event count', async () => {
    const { code, stdout } = await strata('ls');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength((await dataFiles(lake)).length);
    expect(lines.reduce((sum, line) => sum + Number(/\t(\d+) events\t/.exec(line)?.[1]), 0)).toBe(
      35,
    );
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}\t\d+ events\tmessages\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//,
    );
    expect((await strata('ls', '--from', '2001-01-01T00', '--to', '2001-01-01T23')).stdout).toBe(
      'No objects in the lake.\n',
    );
  });

  it('answers SQL over the archive as a table, JSON or CSV, and compacts it into Parquet', async () => {
    const sql =
      'SELECT type, schema_version, count(*) AS events FROM events GROUP BY ALL ORDER BY 1';
    const table = await strata('query', sql);
    expect(table.stderr).toBe('');
    expect(table.stdout.split('\n').slice(2, 4)).toEqual([
      'old.Thing                        3       1',
      'test.ThingHappened               1      34',
    ]);
    const json = await strata('query', sql, '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual([
      { type: 'old.Thing', schema_version: 3, events: 1 },
      { type: 'test.ThingHappened', schema_version: 1, events: 34 },
    ]);
    expect((await strata('query', sql, '--format', 'csv')).stdout).toBe(
      'type,schema_version,events\nold.Thing,3,1\ntest.ThingHappened,1,34\n',
    );
    const elsewhen = await strata('query', sql, '--from', '2001-01-01', '--to', '2001-01-01T05');
    expect(elsewhen.stdout).toContain('(0 rows)');

    const compacted = await strata('compact');
    expect(compacted.code).toBe(0);
    expect(compacted.stdout).toMatch(/\.parquet\t35 events from 4 object\(s\)\n/);
    expect(compacted.stdout).toContain('Compacted 1 hour(s) into Parquet; 0 already up to date.');
    expect((await strata('query', sql, '--format', 'csv')).stdout).toBe(
      'type,schema_version,events\nold.Thing,3,1\ntest.ThingHappened,1,34\n',
    );
    const listed = await strata('ls');
    expect(listed.stdout).toMatch(/\t35 events\tmessages\/.+\.parquet\n/);
    expect((await strata('compact', '--by', 'day')).stdout).toContain('Compacted 1 day(s)');
  });

  it('names the flag or the SQL that is wrong, and writes nothing', async () => {
    const format = await strata('query', 'SELECT 1', '--format', 'xml');
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format');
    const by = await strata('compact', '--by', 'week');
    expect(by.code).toBe(1);
    expect(by.stderr).toContain('--by must be hour or day');
    const sql = await strata('query', 'SELEC type FROM events');
    expect(sql.code).toBe(1);
    expect(sql.stderr).toMatch(/syntax error/i);
  });

  it('replays the archive into an empty store, which then holds the same log, and refuses a full one', async () => {
    const target = path.join(dir, 'replayed');
    const replayed = await strata('replay', '--into', target);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/Replayed 35 events from \d+ object\(s\)/);
    const asStored = (events: StoredEvent[]) =>
      events.map(({ globalPosition: _p, cursor: _c, ...event }) => event);
    const [source, copy] = [
      await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) }),
      await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir: target }) }),
    ];
    try {
      const original = await collect(source.readAll());
      expect(asStored(await collect(copy.readAll()))).toEqual(asStored(original));
      expect(original.at(-1)).toMatchObject({ type: 'old.Thing', schemaVersion: 3 });
    } finally {
      await source.close();
      await copy.close();
    }
    const again = await strata('replay', '--into', target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds 35 events');
  });

  it('says the lake matches the log, then finds a lost object, a corrupt one and a copy', async () => {
    // Two events the archiver has not seen: newer than the lake, so not yet archived, no fault.
    const source = await createPostgresEventStore({
      driver: await createPgliteDriver({ dataDir }),
    });
    await source.appendToStream('thing-late', [happened(98), happened(99)]);
    await source.close();
    const ok = await strata('verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/35\/35 events in \d+ object\(s\)\tok/);
    expect(ok.stdout).toContain('2 newer event(s) of the log are not archived yet');
    expect(ok.stdout).toContain('The lake matches the log');

    const [first, second, third] = await dataFiles(lake);
    // The first object again under another hour's directory (as a second archiver might store
    // it): ten duplicates.
    const copy = first!.replace(
      /\/(\d{2})\/(?=[^/]+$)/,
      (_match, hour: string) => `/${String((Number(hour) + 1) % 24).padStart(2, '0')}/`,
    );
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(first!, copy);
    await copyFile(`${first!}.meta.json`, `${copy}.meta.json`);
    await rm(second!);
    await writeFile(third!, 'not gzip at all');
    const broken = await strata('verify');
    expect(broken.code).toBe(1);
    // The lost object's ten and the corrupt one's ten.
    expect(broken.stdout).toMatch(/20 missing \(first \d+\)/);
    expect(broken.stdout).toMatch(/10 duplicated \(first \d+\)/);
    expect(broken.stdout).toContain(`corrupt object(s): ${path.relative(lake, third!)}`);
    expect(broken.stderr).toContain('The lake does not match the log');
  });

  it('says how to turn the lake on when none is configured', async () => {
    const { code, stderr } = await runStrataInProcess(['--data-dir', dataDir, 'lake', 'verify']);
    expect(code).toBe(1);
    expect(stderr).toContain('set STRATA_LAKE');
  });
});
