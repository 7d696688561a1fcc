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

// SQL conditions on the engine's tables, for a statement that must read them in the same
// snapshot as its own rows (one statement, so a batch's parking and checkpoint are seen
// together). Arguments are SQL expressions: parameters or columns.

/** SQL: `subscriber` has a failed or blocked parked event of stream `streamId`. */
export function hasParkedEventsSql(subscriber: string, streamId: string): string {
  return `EXISTS (
         SELECT 1 FROM parked_events
          WHERE subscriber = ${subscriber} AND stream_id = ${streamId}
            AND status IN ('failed', 'blocked'))`;
}

/** SQL: `subscriber`'s checkpoint is at or past the event at (`transactionId`, `position`). */
export function checkpointCoversSql(
  subscriber: string,
  transactionId: string,
  position: string,
): string {
  return `EXISTS (
          SELECT 1 FROM checkpoints c
           WHERE c.subscriber = ${subscriber}
             AND (${transactionId}, ${position}) <= (c.transaction_id, c.global_position))`;
}
