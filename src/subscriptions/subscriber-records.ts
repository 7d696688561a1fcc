import type { Cursor, Lease, SqlDriver, SqlExecutor } from '../store/index.js';
import { deleteCheckpoint, readProgress } from './postgres/checkpoints.js';
import { forgetParked } from './postgres/parking.js';

// What the engine stores per subscriber, for the code that creates and retires subscribers
// (projection generations): it goes through these rather than the engine's tables or keys.

/** The lease key of subscriber `name`: the process holding it is the one that runs it. */
export function subscriberLeaseKey(name: string): string {
  return `subscriber:${name}`;
}

/**
 * Takes subscriber `name`'s lease when no process runs it (`undefined` when one does): while
 * held, no worker of it reads, so its records can be forgotten.
 */
export function tryLeaseSubscriber(driver: SqlDriver, name: string): Promise<Lease | undefined> {
  return driver.tryLease(subscriberLeaseKey(name));
}

/**
 * Forgets subscriber `name`'s checkpoint and parked events, in the caller's transaction (the
 * one dropping what the subscriber built). Hold its lease (`tryLeaseSubscriber`) meanwhile.
 */
export async function forgetSubscriber(sql: SqlExecutor, name: string): Promise<void> {
  await deleteCheckpoint(sql, name);
  await forgetParked(sql, name);
}

/** Where a subscriber stands, as stored. */
export interface StoredCheckpoint {
  /** The last event it handled (or parked). */
  readonly handled: Cursor;
  /** Every event up to here that it reads is handled or parked; never before `handled`. */
  readonly readTo: Cursor;
}

/** Subscriber `name`'s stored checkpoint, read with `sql` (in a caller's transaction). */
export async function readStoredCheckpoint(
  sql: SqlExecutor,
  name: string,
): Promise<StoredCheckpoint | undefined> {
  const progress = await readProgress(sql, name);
  return progress === undefined
    ? undefined
    : { handled: progress.handled, readTo: progress.scanned };
}
