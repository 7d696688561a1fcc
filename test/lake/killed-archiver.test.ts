import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { directorySink, MESSAGES_DIR } from '../../src/lake/index.js';
import { createPgliteDriver, createPostgresEventStore } from '../../src/store/index.js';
import { collect, readUntil } from '../support/async.js';
import { killHard } from '../support/child-process.js';
import { runStrata, startServer } from '../support/strata-process.js';
import { happened } from '../support/test-messages.js';

const EVENTS = 12_000;
/** Events per object: 200 objects in all, each with its fsyncs and checkpoint. */
const PER_OBJECT = 60;

/** Keys of the objects stored so far. */
async function objectCount(lake: string): Promise<number> {
  let count = 0;
  for await (const _key of directorySink(lake).list(`${MESSAGES_DIR}/`)) count++;
  return count;
}

describe('strata serve killed -9 while archiving to the lake, then started again', () => {
  let dir: string;
  let dataDir: string;
  let lake: string;
  let config: string;
  let lastCursor: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-killed-archiver-'));
    dataDir = path.join(dir, 'data');
    lake = path.join(dir, 'lake');
    config = path.join(dir, 'strata.config.json');
    // Small objects, so archiving the log takes long enough to be killed in the middle.
    await writeFile(
      config,
      JSON.stringify({ lake: { location: lake, maxEvents: PER_OBJECT, lingerMs: 0 } }),
    );
    const store = await createPostgresEventStore({ driver: await createPgliteDriver({ dataDir }) });
    for (let first = 0; first < EVENTS; first += 500) {
      const events = Array.from({ length: 500 }, (_, n) => happened(first + n));
      await store.appendToStream(`thing-${first / 500}`, events);
    }
    lastCursor = (await collect(store.readAll())).at(-1)?.cursor;
    await store.close();
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('archives every event exactly once: verify passes', async () => {
    const args = ['--data-dir', dataDir, '--config', config];
    const first = await startServer(args);
    const storedAtKill = await readUntil(
      () => objectCount(lake),
      (count) => count >= 20,
      60_000,
    );
    await killHard(first.child);
    // Killed in the middle: far from the 200 objects the whole log takes.
    expect(storedAtKill).toBeLessThan(EVENTS / PER_OBJECT);

    const second = await startServer(args);
    try {
      // Until the archiver says it has stored the log's last event.
      const archivedTo = async () =>
        (
          (await (await fetch(`${second.url}/health/ready`)).json()) as {
            lake: { archivedTo?: string };
          }
        ).lake.archivedTo;
      expect(await readUntil(archivedTo, (cursor) => cursor === lastCursor, 120_000)).toBe(
        lastCursor,
      );
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const verify = await runStrata(['lake', 'verify', ...args]);
    expect(verify.stdout).toContain('The lake matches the log');
    expect(verify.stdout).not.toMatch(/missing|duplicated|corrupt|not archived yet/);
    expect(verify.code).toBe(0);
  }, 240_000);
});
