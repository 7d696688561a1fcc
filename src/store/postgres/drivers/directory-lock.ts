import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { StrataError } from '../../../errors.js';
import { isProvablyGone, processStartTicks } from './process-liveness.js';

/**
 * The data directory cannot be opened: another process (or this one) holds it, or its lock
 * file cannot be read, so whether someone holds it is unknown. Opening it twice would corrupt it.
 */
export class DataDirectoryLockedError extends StrataError {
  readonly code = 'DATA_DIRECTORY_LOCKED';

  constructor(
    readonly dataDir: string,
    /** The holder's pid, when the lock file names one. */
    readonly holderPid: number | undefined,
    readonly holderHost: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A held lock on a directory. */
export interface DirectoryLock {
  release(): Promise<void>;
}

/** What a lock file says about its holder. */
interface LockRecord {
  readonly pid: number;
  readonly host: string;
  /** The holder's start time in clock ticks (Linux only): tells a reused pid apart. */
  readonly start?: string;
  readonly startedAt: string;
  /** Names the lock's token, `strata.lock.<nonce>`, whose rename claims a stale lock. */
  readonly nonce: string;
}

const LOCK_FILE = 'strata.lock';
/** How often a lock held by a dead process is looked at again while another takes it over. */
const TAKEOVER_ATTEMPTS = 20;

/** Directories this process holds: a second open from here is refused like one from elsewhere. */
const heldHere = new Map<string, LockRecord>();

/**
 * Takes the lock of `dir`, creating the directory if needed; a live holder (or an unreadable
 * lock file) gives `DataDirectoryLockedError`.
 *
 * The lock file `strata.lock` is created whole and atomically: the record is written to this
 * attempt's own token file `strata.lock.<nonce>`, which is then hard-linked as `strata.lock`
 * (link fails if the name exists). A lock whose holder is provably gone is taken over by
 * renaming its token: only one process can rename it, and only that process removes the stale
 * lock file, so two processes never both win. A lock file that cannot be read is never removed.
 */
export async function acquireDirectoryLock(dir: string): Promise<DirectoryLock> {
  const dataDir = path.resolve(dir);
  const lockPath = path.join(dataDir, LOCK_FILE);
  const heldRecord = heldHere.get(dataDir);
  if (heldRecord !== undefined) throw lockedBy(dataDir, heldRecord);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    ...definedStart(processStartTicks(process.pid)),
    startedAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  // Registered before the first await, so a concurrent open in this process is refused.
  heldHere.set(dataDir, record);
  const token = tokenPath(dataDir, record.nonce);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(token, JSON.stringify(record), { flag: 'wx' });
    try {
      await linkLockFile(dataDir, lockPath, token);
    } catch (error) {
      await unlink(token).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    heldHere.delete(dataDir);
    throw error;
  }
  return {
    async release() {
      const current = await readLock(dataDir, lockPath).catch(() => undefined);
      if (current?.nonce === record.nonce) await unlink(lockPath).catch(() => undefined);
      await unlink(token).catch(() => undefined);
      heldHere.delete(dataDir);
    },
  };
}

async function linkLockFile(dataDir: string, lockPath: string, token: string): Promise<void> {
  let stale: LockRecord | undefined;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    try {
      await link(token, lockPath);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(dataDir, lockPath);
    if (holder === undefined) continue; // released meanwhile
    if (!isGone(holder)) throw lockedBy(dataDir, holder);
    stale = holder;
    // Losing the claim means another process is taking the lock over: see who wins.
    if (!(await claimStaleLock(dataDir, lockPath, holder))) await sleep(10 + attempt * 5);
  }
  throw new DataDirectoryLockedError(
    dataDir,
    stale?.pid,
    stale?.host,
    `The data directory ${dataDir} is locked by process ${stale?.pid} on ${stale?.host}, which ` +
      `is gone, but its lock could not be taken over: another process is taking it over, or a ` +
      `takeover was interrupted. Try again; if no Strata process uses the directory, delete ` +
      `${lockPath} and the strata.lock.* files beside it.`,
  );
}

/**
 * Removes the lock file of a holder that is gone, if this process wins the claim: renaming the
 * stale lock's token succeeds once. While the token exists no one else removes the lock file,
 * and no one can create one over it, so the file removed here is the stale one.
 */
async function claimStaleLock(
  dataDir: string,
  lockPath: string,
  stale: LockRecord,
): Promise<boolean> {
  const claim = `${tokenPath(dataDir, stale.nonce)}.taken-by-${process.pid}`;
  try {
    await rename(tokenPath(dataDir, stale.nonce), claim);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await unlink(lockPath);
  await unlink(claim);
  return true;
}

/**
 * A lock from another host cannot be checked, so it counts as held. Our own pid in a lock this
 * process does not hold means a previous life (a container restart) left it behind.
 */
function isGone(holder: LockRecord): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) {
    return ![...heldHere.values()].some((held) => held.nonce === holder.nonce);
  }
  return isProvablyGone(holder.pid, holder.start);
}

/** The lock file's record; `undefined` when there is none. Unreadable or malformed, it throws. */
async function readLock(dataDir: string, lockPath: string): Promise<LockRecord | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(dataDir, lockPath, (error as Error).message);
  }
  let parsed: Partial<Record<keyof LockRecord, unknown>>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw unreadable(dataDir, lockPath, 'it is not JSON');
  }
  const { pid, host, start, startedAt, nonce } = parsed;
  if (
    typeof pid !== 'number' ||
    typeof host !== 'string' ||
    typeof nonce !== 'string' ||
    !/^[0-9a-f]+$/.test(nonce)
  ) {
    throw unreadable(dataDir, lockPath, 'it does not name a holder pid, host and nonce');
  }
  return {
    pid,
    host,
    ...definedStart(typeof start === 'string' ? start : undefined),
    startedAt: typeof startedAt === 'string' ? startedAt : 'an unknown time',
    nonce,
  };
}

function lockedBy(dataDir: string, holder: LockRecord): DataDirectoryLockedError {
  const who =
    holder.pid === process.pid && holder.host === hostname()
      ? `this process (${holder.pid}), which has it open already`
      : `process ${holder.pid} on ${holder.host}`;
  return new DataDirectoryLockedError(
    dataDir,
    holder.pid,
    holder.host,
    `The data directory ${dataDir} is in use by ${who} since ${holder.startedAt}; stop it or ` +
      `talk to it through its HTTP API (its lock is ${path.join(dataDir, LOCK_FILE)})`,
  );
}

function unreadable(dataDir: string, lockPath: string, why: string): DataDirectoryLockedError {
  return new DataDirectoryLockedError(
    dataDir,
    undefined,
    undefined,
    `The data directory ${dataDir} has a lock file Strata cannot read (${why}), so it may be in ` +
      `use; it was left alone. If no Strata process uses the directory, delete ${lockPath}.`,
  );
}

function tokenPath(dataDir: string, nonce: string): string {
  return path.join(dataDir, `${LOCK_FILE}.${nonce}`);
}

const definedStart = (start: string | undefined) => (start === undefined ? {} : { start });
