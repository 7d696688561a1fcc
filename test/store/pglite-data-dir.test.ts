import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  createPgliteDriver,
  createPostgresEventStore,
  DataDirectoryLockedError,
} from '../../src/store/index.js';
import { happened, testRegistry } from '../support/test-messages.js';

describe('PGlite in a data directory', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strata-pglite-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('keeps events across a close and reopen, and refuses a second open meanwhile', async () => {
    const dataDir = await freshDir();
    const store = await createPostgresEventStore({
      driver: await createPgliteDriver({ dataDir }),
      registry: testRegistry,
    });
    await store.appendToStream('thing-1', [happened(1), happened(2)]);
    await expect(createPgliteDriver({ dataDir })).rejects.toBeInstanceOf(DataDirectoryLockedError);
    await store.close();

    const reopened = await createPostgresEventStore({
      driver: await createPgliteDriver({ dataDir }),
      registry: testRegistry,
    });
    expect((await reopened.readStream('thing-1')).map((event) => event.data)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    await reopened.close();
  });

  it('refuses a directory locked by another live process, naming it', async () => {
    const dataDir = await freshDir();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      await writeFile(
        path.join(dataDir, 'strata.lock'),
        JSON.stringify({ pid: holder.pid, host: hostname() }),
      );
      const error = await createPgliteDriver({ dataDir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirectoryLockedError);
      expect(error).toMatchObject({ holderPid: holder.pid, code: 'DATA_DIRECTORY_LOCKED' });
      expect((error as Error).message).toContain(`process ${holder.pid}`);
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = await freshDir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((exited) => gone.on('exit', exited));
    await writeFile(
      path.join(dataDir, 'strata.lock'),
      JSON.stringify({ pid: gone.pid, host: hostname() }),
    );
    const driver = await createPgliteDriver({ dataDir });
    await driver.close();
  });
});
