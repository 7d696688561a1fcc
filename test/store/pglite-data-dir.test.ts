import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { link, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
      await writeLock(dataDir, holder.pid ?? -1);
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
    await writeLock(dataDir, gone.pid ?? -1);
    const driver = await createPgliteDriver({ dataDir });
    await driver.close();
  });

  it('lets exactly one of two concurrent opens in one process have the directory', async () => {
    const dataDir = await freshDir();
    const results = await Promise.allSettled([
      createPgliteDriver({ dataDir }),
      createPgliteDriver({ dataDir }),
    ]);
    const opened = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    await Promise.all(opened.map((driver) => driver.close()));
    expect(opened).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(DataDirectoryLockedError);
    expect(refused[0]).toMatchObject({ holderPid: process.pid, code: 'DATA_DIRECTORY_LOCKED' });
    expect((refused[0] as Error).message).toContain(`this process (${process.pid})`);
  });

  it('leaves an unreadable lock file alone and refuses, saying what to do', async () => {
    for (const garbage of ['', 'not json {', JSON.stringify({ pid: 'x' })]) {
      const dataDir = await freshDir();
      const lockPath = path.join(dataDir, 'strata.lock');
      await writeFile(lockPath, garbage);
      const error = await createPgliteDriver({ dataDir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirectoryLockedError);
      expect((error as Error).message).toContain('cannot read');
      expect((error as Error).message).toContain(`delete ${lockPath}`);
      expect(await readFile(lockPath, 'utf8')).toBe(garbage);
    }
  });

  it('gives each directory to exactly one of three racing processes, fresh or stale', async () => {
    const racers = await Promise.all([0, 1, 2].map(() => startRacer()));
    try {
      const gonePid = await deadPid();
      for (let round = 0; round < 20; round++) {
        const dataDir = await freshDir();
        // Odd rounds race to take over a lock left by a process that is gone.
        if (round % 2 === 1) await writeLock(dataDir, gonePid);
        for (const racer of racers) racer.child.stdin.write(`${dataDir}\n`);
        const outcomes = await Promise.all(racers.map((racer) => racer.outcome(dataDir)));
        expect({ round, winners: outcomes.filter((outcome) => outcome === 'won').length }).toEqual({
          round,
          winners: 1,
        });
        expect(outcomes.filter((outcome) => outcome !== 'won')).toEqual([
          'lost DATA_DIRECTORY_LOCKED',
          'lost DATA_DIRECTORY_LOCKED',
        ]);
      }
    } finally {
      for (const racer of racers) racer.child.kill();
    }
  });
});

const RACER = fileURLToPath(new URL('../support/lock-racer.ts', import.meta.url));

/** A lock-racer child process and a way to wait for its outcome on one directory. */
async function startRacer(): Promise<{
  child: ChildProcessWithoutNullStreams;
  outcome(dir: string): Promise<string>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', RACER]);
  let output = '';
  const waiting: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiting.splice(0)) wake();
  });
  const lineFor = (prefix: string) => output.split('\n').find((line) => line.startsWith(prefix));
  const until = async (prefix: string): Promise<string> => {
    for (;;) {
      const line = lineFor(prefix);
      if (line !== undefined) return line.slice(prefix.length).trim();
      if (child.exitCode !== null) throw new Error(`racer exited: ${output}`);
      await new Promise<void>((wake) => waiting.push(wake));
    }
  };
  await until('ready');
  return { child, outcome: (dir) => until(`${dir} `) };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((exited) => gone.on('exit', exited));
  return gone.pid ?? -1;
}

/** Writes the lock a Strata process with `pid` would hold on `dataDir` (its token, linked). */
async function writeLock(dataDir: string, pid: number): Promise<void> {
  const nonce = `${pid.toString(16)}0f`;
  const token = path.join(dataDir, `strata.lock.${nonce}`);
  await writeFile(
    token,
    JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), nonce }),
  );
  await link(token, path.join(dataDir, 'strata.lock'));
}
