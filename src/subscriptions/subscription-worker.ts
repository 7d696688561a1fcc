import { setTimeout as sleep } from 'node:timers/promises';

import type { RetryPolicy } from '../retry.js';
import {
  streamCategory,
  type CommitNotice,
  type Cursor,
  type EventFilter,
  type PostgresEventStore,
} from '../store/index.js';
import { CheckpointMovedError, SubscriberFailedError } from './errors.js';
import { createPageProcessor } from './page-processor.js';
import { createParkedRequests } from './parked-requests.js';
import { advanceCheckpoint, ensureCheckpoint, type Progress } from './postgres/checkpoints.js';
import { blockedStreams } from './postgres/parking.js';
import type { SubscriberActivity, SubscriberDefinition, SubscriberState } from './types.js';
import { createWakeSignal } from './wake-signal.js';
import { describe, Stopping, type WorkerContext } from './worker-context.js';

/** A subscriber's default retries: 5 attempts, backing off from 50 ms up to 5 s. */
export const DEFAULT_SUBSCRIBER_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 5_000,
};

export interface WorkerOptions {
  readonly store: PostgresEventStore;
  readonly definition: SubscriberDefinition;
  /** Longest sleep between reads when no commit wakes the worker. */
  readonly pollIntervalMs: number;
  /** How often a standby worker tries to take the lease. */
  readonly leaseRetryMs: number;
  /** Told about every handler or database failure (they are retried or parked). */
  readonly onError: (error: unknown, subscriber: string) => void;
  /** Told about failures, retries, parking and lease changes, for operators' logs. */
  readonly onActivity: (subscriber: string, activity: SubscriberActivity) => void;
}

/** Runs one subscriber in this process while it holds the subscriber's lease. */
export interface SubscriptionWorker {
  readonly name: string;
  readonly state: SubscriberState;
  readonly lastError: string | undefined;
  /** Starts the loop; it keeps trying to take the lease until stopped. */
  start(): void;
  /** Finishes the batch in hand (its checkpoint commits with it, or neither does) and stops. */
  stop(): Promise<void>;
  /** Look for new events or parked-event requests now. */
  wake(): void;
  /** Called after each checkpoint this worker commits. */
  onProgress(listener: (cursor: Cursor) => void): () => void;
  /**
   * How far this worker has read while it ran here: every event up to it that the subscriber
   * reads is handled or parked. `undefined` before it first read.
   */
  readonly scannedTo: Cursor | undefined;
}

/** Whether a commit may hold events `filter` selects (an unknown commit may). */
function concerns(filter: EventFilter, notice: CommitNotice): boolean {
  const { types, streamIds } = notice;
  if (types === undefined || streamIds === undefined) return true;
  const wanted = filter.types;
  const typeMatches = wanted === undefined || types.some((type) => wanted.includes(type));
  const categories = filter.categories;
  const categoryMatches =
    categories === undefined ||
    streamIds.some((streamId) => categories.includes(streamCategory(streamId)));
  return typeMatches && categoryMatches;
}

export function createSubscriptionWorker(options: WorkerOptions): SubscriptionWorker {
  const { store, definition, pollIntervalMs, leaseRetryMs, onError, onActivity } = options;
  const { name, filter = {}, batchSize = 500 } = definition;
  const retry = { ...DEFAULT_SUBSCRIBER_RETRY, ...definition.retry };
  const sql = store.driver;
  const signal = createWakeSignal();
  const progressListeners = new Set<(cursor: Cursor) => void>();
  let state: SubscriberState = 'standby';
  let lastError: string | undefined;
  let stopping = false;
  let stopRequested = new AbortController();
  let running: Promise<void> | undefined;
  const blocked = new Set<string>();
  let scanned: Cursor | undefined;

  const notify = (activity: SubscriberActivity): void => {
    onActivity(name, activity);
  };
  const report = (error: unknown, activity?: SubscriberActivity): void => {
    lastError = describe(error);
    onError(error, name);
    notify(activity ?? { kind: 'failed', error });
  };

  const context: WorkerContext = {
    store,
    definition,
    retry,
    blocked,
    report,
    notify,
    async pause(ms) {
      await sleep(ms, undefined, { signal: stopRequested.signal }).catch(() => undefined);
      if (stopping) throw new Stopping();
    },
    failing: () => {
      state = 'failing';
    },
    committed(cursor) {
      for (const listener of progressListeners) listener(cursor);
    },
  };
  const { processPage } = createPageProcessor(context);
  const { settleRequests } = createParkedRequests(context);

  /**
   * Records how far the worker read past its checkpoint, at most once per poll interval: a
   * restart (or a status read) resumes from there, and an idle subscriber writes nothing.
   */
  let scannedSavedAt = 0;
  async function saveScanned(saved: Progress, now: Progress): Promise<Progress> {
    if (now.scanned === saved.scanned || Date.now() - scannedSavedAt < pollIntervalMs) {
      return saved;
    }
    if (!(await advanceCheckpoint(sql, name, saved.handled, now))) {
      throw new CheckpointMovedError(name);
    }
    scannedSavedAt = Date.now();
    return now;
  }

  /** Reads and handles events until stopped or the lease is lost. */
  async function runWithLease(leaseLost: () => boolean): Promise<void> {
    let progress = await ensureCheckpoint(sql, name, definition.startFrom ?? 'beginning');
    let saved = progress;
    scanned = progress.scanned;
    blocked.clear();
    for (const streamId of await blockedStreams(sql, name)) blocked.add(streamId);
    // After a wake that brought nothing readable (an older transaction was still open), look
    // again soon, backing off to the poll interval.
    let recheckMs = 0;
    while (!stopping && !leaseLost()) {
      await settleRequests();
      const page = await store.readPage(progress.scanned, { ...filter, limit: batchSize });
      if (page.entries.length === 0) {
        progress = { handled: progress.handled, scanned: page.end };
        scanned = page.end;
        saved = await saveScanned(saved, progress);
        if (state !== 'failing') state = 'live';
        const woken = await signal.sleep(recheckMs > 0 ? recheckMs : pollIntervalMs);
        if (woken) recheckMs = 5;
        else if (recheckMs > 0) recheckMs = recheckMs * 2 >= pollIntervalMs ? 0 : recheckMs * 2;
        continue;
      }
      recheckMs = 0;
      progress = await processPage(page, progress);
      saved = progress;
      scanned = progress.scanned;
      state = page.entries.length === batchSize ? 'catching-up' : 'live';
    }
  }

  async function run(): Promise<void> {
    // A commit of this process names its events: wake only for those the subscriber reads.
    const unsubscribe = store.onCommit((notice) => {
      if (concerns(filter, notice)) signal.wake();
    });
    try {
      while (!stopping) {
        const lease = await sql.tryLease(`subscriber:${name}`).catch((error: unknown) => {
          report(error);
          return undefined;
        });
        if (lease === undefined) {
          state = 'standby';
          await context.pause(leaseRetryMs);
          continue;
        }
        const held = { lost: false };
        notify({ kind: 'lease-acquired' });
        void lease.lost.then(() => {
          held.lost = true;
          notify({ kind: 'lease-lost' });
          signal.wake();
        });
        try {
          await runWithLease(() => held.lost);
        } catch (error) {
          if (error instanceof Stopping) break;
          if (error instanceof SubscriberFailedError) {
            state = 'failed';
            report(error, { kind: 'stopped', error });
            return;
          }
          // Lost the lease or the database: give the lease back and start over.
          if (!(error instanceof CheckpointMovedError)) report(error);
          state = 'failing';
          await context.pause(Math.min(leaseRetryMs, 1_000)).catch(() => undefined);
        } finally {
          await lease.release();
          if (!held.lost) notify({ kind: 'lease-released' });
        }
      }
      state = 'stopped';
    } finally {
      unsubscribe();
    }
  }

  return {
    name,
    get state() {
      return state;
    },
    get lastError() {
      return lastError;
    },
    get scannedTo() {
      return scanned;
    },
    start() {
      stopping = false;
      stopRequested = new AbortController();
      running ??= run()
        .catch((error: unknown) => {
          if (!(error instanceof Stopping)) report(error);
        })
        .finally(() => (running = undefined));
    },
    async stop() {
      stopping = true;
      stopRequested.abort();
      signal.wake();
      await running;
      if (state !== 'failed') state = 'stopped';
    },
    wake: () => {
      signal.wake();
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
  };
}
