import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

import { StrataError } from '../../../errors.js';

/** Another live process holds the data directory; opening it twice would corrupt it. */
export class DataDirectoryLockedError extends StrataError {
  readonly code = 'DATA_DIRECTORY_LOCKED';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly holderHost: string,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${holderPid} on ${holderHost}; ` +
        `stop it or talk to it through its HTTP API (a stale lock is ${path.join(dataDir, LOCK_FILE)})`,
    );
  }
}

/** A held lock on a directory. */
export interface DirectoryLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'strata.lock';

/** Lock files this process holds: a second open from here is refused like one from elsewhere. */
const heldHere = new Set<string>();

/**
 * Takes the lock file of `dir`, creating the directory if needed. A lock left by a process that
 * no longer runs on this host is stale and taken over; a live holder gives
 * `DataDirectoryLockedError`.
 */
export async function acquireDirectoryLock(dir: string): Promise<DirectoryLock> {
  await mkdir(dir, { recursive: true });
  const lockPath = path.resolve(dir, LOCK_FILE);
  if (heldHere.has(lockPath)) {
    throw new DataDirectoryLockedError(path.resolve(dir), process.pid, hostname());
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname() }));
      await handle.close();
      heldHere.add(lockPath);
      return {
        async release() {
          heldHere.delete(lockPath);
          await rm(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readHolder(lockPath);
      if (holder !== undefined && isHeld(holder)) {
        throw new DataDirectoryLockedError(path.resolve(dir), holder.pid, holder.host);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new DataDirectoryLockedError(path.resolve(dir), -1, hostname());
}

/**
 * A lock from another host cannot be checked, so it counts as held. Our own pid in a lock this
 * process did not take means a previous life (a container restart) left it behind.
 */
function isHeld(holder: { pid: number; host: string }): boolean {
  if (holder.host !== hostname()) return true;
  return holder.pid !== process.pid && isAlive(holder.pid);
}

async function readHolder(lockPath: string): Promise<{ pid: number; host: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as {
      pid?: unknown;
      host?: unknown;
    };
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
      ? { pid: parsed.pid, host: parsed.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
