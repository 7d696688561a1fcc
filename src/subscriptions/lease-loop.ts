import type { Lease } from '../store/index.js';
import { concerns } from './commit-interest.js';
import { CheckpointMovedError, SubscriberFailedError } from './errors.js';
import { subscriberLeaseKey } from './subscriber-records.js';
import { Stopping, type WorkerContext } from './worker-context.js';

/**
 * Runs a worker until it is stopped: takes the subscriber's lease (waiting in standby while
 * another process holds it), runs `readWhileLeased` under it, and after a failure gives the
 * lease back and starts over. A `SubscriberFailedError` (the `stop` poison policy) ends it.
 */
export async function runWhileStarted(
  context: WorkerContext,
  readWhileLeased: (leaseLost: () => boolean) => Promise<void>,
): Promise<void> {
  const { store, definition, status, signal } = context;
  // A commit of this process names its events: wake only for those the subscriber reads.
  const unsubscribe = store.onCommit((notice) => {
    if (concerns(definition.filter ?? {}, notice)) signal.wake();
  });
  try {
    while (!context.stopping) {
      const lease = await takeLease(context);
      if (lease === undefined) continue;
      const outcome = await underLease(context, lease, readWhileLeased);
      if (outcome === 'failed') return;
      if (outcome === 'stopping') break;
    }
    status.state = 'stopped';
  } finally {
    unsubscribe();
  }
}

/** The subscriber's lease, or `undefined` after waiting in standby for another try. */
async function takeLease(context: WorkerContext): Promise<Lease | undefined> {
  const key = subscriberLeaseKey(context.definition.name);
  const lease = await context.store.driver.tryLease(key).catch((error: unknown) => {
    context.report(error);
    return undefined;
  });
  if (lease !== undefined) return lease;
  context.status.state = 'standby';
  await context.pause(context.leaseRetryMs);
  return undefined;
}

/** Reads under `lease` until it ends; says whether to go on, stop or stay failed. */
async function underLease(
  context: WorkerContext,
  lease: Lease,
  readWhileLeased: (leaseLost: () => boolean) => Promise<void>,
): Promise<'again' | 'stopping' | 'failed'> {
  const { status, signal } = context;
  // An object, not a `let`: the callback sets it while the loop runs.
  const held = { lost: false, releasing: false };
  context.notify({ kind: 'lease-acquired' });
  void lease.lost.then(() => {
    // Giving the lease back ends its session too: that is no loss to report.
    if (held.releasing) return;
    held.lost = true;
    context.notify({ kind: 'lease-lost' });
    signal.wake();
  });
  try {
    await readWhileLeased(() => held.lost);
    return 'again';
  } catch (error) {
    if (error instanceof Stopping) return 'stopping';
    if (error instanceof SubscriberFailedError) {
      status.state = 'failed';
      context.report(error, { kind: 'stopped', error });
      return 'failed';
    }
    // Lost the lease or the database: give the lease back and start over.
    if (!(error instanceof CheckpointMovedError)) context.report(error);
    status.state = 'failing';
    await context.pause(Math.min(context.leaseRetryMs, 1_000)).catch(() => undefined);
    return 'again';
  } finally {
    held.releasing = true;
    await lease.release();
    if (!held.lost) context.notify({ kind: 'lease-released' });
  }
}
