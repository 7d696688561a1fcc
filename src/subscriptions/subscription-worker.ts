import { setTimeout as sleep } from 'node:timers/promises';

import { backoffDelayMs, type RetryPolicy } from '../retry.js';
import {
  streamCategory,
  type CommitNotice,
  type Cursor,
  type EventFilter,
  type PostgresEventStore,
  type SqlExecutor,
  type StoredEvent,
} from '../store/index.js';
import { CheckpointMovedError, SubscriberFailedError } from './errors.js';
import { advanceCheckpoint, ensureCheckpoint } from './postgres/checkpoints.js';
import {
  blockedStreams,
  parkedQueue,
  parkEvents,
  settleParked,
  streamsWithRequests,
  unpark,
  type ParkRequest,
} from './postgres/parking.js';
import type { SubscriberDefinition, SubscriberState } from './types.js';
import { createWakeSignal } from './wake-signal.js';

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
}

/** Thrown inside the loop when a stop interrupts a retry wait. */
class Stopping extends Error {}

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

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export function createSubscriptionWorker(options: WorkerOptions): SubscriptionWorker {
  const { store, definition, pollIntervalMs, leaseRetryMs, onError } = options;
  const { name, filter = {}, transactional = false, batchSize = 500 } = definition;
  const retry = { ...DEFAULT_SUBSCRIBER_RETRY, ...definition.retry };
  const sql = store.driver;
  const signal = createWakeSignal();
  const progressListeners = new Set<(cursor: Cursor) => void>();
  let state: SubscriberState = 'standby';
  let lastError: string | undefined;
  let stopping = false;
  let stopRequested = new AbortController();
  let running: Promise<void> | undefined;
  let blocked = new Set<string>();

  const report = (error: unknown): void => {
    lastError = describe(error);
    onError(error, name);
  };

  /** Waits `ms`, or less if a stop comes; then throws `Stopping` if it did. */
  const pause = async (ms: number): Promise<void> => {
    await sleep(ms, undefined, { signal: stopRequested.signal }).catch(() => undefined);
    if (stopping) throw new Stopping();
  };

  /**
   * Commits one step: the handler's work on `events`, the events to park, and the checkpoint
   * moving from `from` to `to`. Transactional subscribers do all of it in one transaction.
   */
  async function commitStep(
    from: Cursor,
    to: Cursor,
    events: readonly StoredEvent[],
    parked: readonly ParkRequest[],
  ): Promise<void> {
    const finish = async (tx: SqlExecutor): Promise<void> => {
      if (parked.length > 0) await parkEvents(tx, name, parked);
      if (!(await advanceCheckpoint(tx, name, from, to))) throw new CheckpointMovedError(name);
    };
    if (transactional) {
      await store.transaction(async (tx) => {
        if (events.length > 0)
          await definition.handle(events, { subscriber: name, sql: tx.sql, store: tx });
        await finish(tx.sql);
      });
    } else {
      if (events.length > 0)
        await definition.handle(events, { subscriber: name, sql: undefined, store });
      await sql.transaction(finish);
    }
    for (const listener of progressListeners) listener(to);
  }

  /** Handles `event` alone, retrying; parks it (or stops) when the retries are spent. */
  async function processOne(event: StoredEvent, from: Cursor): Promise<Cursor> {
    if (blocked.has(event.streamId)) {
      await commitStep(from, event.cursor, [], [{ event, status: 'blocked' }]);
      return event.cursor;
    }
    let failure: unknown;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      try {
        await commitStep(from, event.cursor, [event], []);
        return event.cursor;
      } catch (error) {
        if (error instanceof CheckpointMovedError) throw error;
        failure = error;
        state = 'failing';
        report(error);
        if (attempt < retry.maxAttempts) await pause(backoffDelayMs(retry, attempt));
      }
    }
    if (definition.onPoisonEvent === 'stop') {
      throw new SubscriberFailedError(name, event.id, { cause: failure });
    }
    const parked: ParkRequest = {
      event,
      status: 'failed',
      error: describe(failure),
      attempts: retry.maxAttempts,
    };
    await commitStep(from, event.cursor, [], [parked]);
    blocked.add(event.streamId);
    return event.cursor;
  }

  /**
   * Handles a batch in one step; events of streams with a parked event are parked behind it.
   * If the batch fails, its events are handled one at a time to find (and park) the poison one.
   */
  async function processBatch(batch: readonly StoredEvent[], from: Cursor): Promise<Cursor> {
    const to = batch.at(-1)?.cursor ?? from;
    const held = batch.filter((event) => blocked.has(event.streamId));
    const free = batch.filter((event) => !blocked.has(event.streamId));
    try {
      await commitStep(
        from,
        to,
        free,
        held.map((event) => ({ event, status: 'blocked' as const })),
      );
      return to;
    } catch (error) {
      if (error instanceof CheckpointMovedError) throw error;
      report(error);
    }
    let position = from;
    for (const event of batch) position = await processOne(event, position);
    return position;
  }

  /** Carries out operators' retry and skip requests, releasing each stream's queue in order. */
  async function settleRequests(): Promise<void> {
    for (const streamId of await streamsWithRequests(sql, name)) {
      let released = true;
      for (const parked of await parkedQueue(sql, name, streamId)) {
        if (parked.requestedAction === 'skip') {
          await settleParked(sql, name, parked.globalPosition, { status: 'skipped' });
          continue;
        }
        if (parked.status === 'failed' && parked.requestedAction !== 'retry') {
          released = false;
          break;
        }
        const [event] = await store.readStream(streamId, {
          from: parked.streamVersion,
          to: parked.streamVersion,
        });
        try {
          if (event !== undefined) await handleParked(event);
          else await unpark(sql, name, parked.globalPosition);
        } catch (error) {
          report(error);
          await settleParked(sql, name, parked.globalPosition, {
            status: 'failed',
            error: describe(error),
            attempts: 1,
          });
          released = false;
          break;
        }
      }
      if (released) blocked.delete(streamId);
    }
  }

  /** Handles a parked event and unparks it, atomically for a transactional subscriber. */
  async function handleParked(event: StoredEvent): Promise<void> {
    if (transactional) {
      await store.transaction(async (tx) => {
        await definition.handle([event], { subscriber: name, sql: tx.sql, store: tx });
        await unpark(tx.sql, name, event.globalPosition);
      });
    } else {
      await definition.handle([event], { subscriber: name, sql: undefined, store });
      await unpark(sql, name, event.globalPosition);
    }
  }

  async function readBatch(after: Cursor): Promise<StoredEvent[]> {
    const batch: StoredEvent[] = [];
    for await (const event of store.readAll({ ...filter, after, limit: batchSize, batchSize })) {
      batch.push(event);
    }
    return batch;
  }

  /** Reads and handles events until stopped or the lease is lost. */
  async function runWithLease(leaseLost: () => boolean): Promise<void> {
    let cursor = await ensureCheckpoint(sql, name, definition.startFrom ?? 'beginning');
    blocked = await blockedStreams(sql, name);
    // After a wake that brought nothing readable (an older transaction was still open), look
    // again soon, backing off to the poll interval.
    let recheckMs = 0;
    while (!stopping && !leaseLost()) {
      await settleRequests();
      const batch = await readBatch(cursor);
      if (batch.length === 0) {
        if (state !== 'failing') state = 'live';
        const woken = await signal.sleep(recheckMs > 0 ? recheckMs : pollIntervalMs);
        if (woken) recheckMs = 5;
        else if (recheckMs > 0) recheckMs = recheckMs * 2 >= pollIntervalMs ? 0 : recheckMs * 2;
        continue;
      }
      recheckMs = 0;
      cursor = await processBatch(batch, cursor);
      state = batch.length === batchSize ? 'catching-up' : 'live';
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
          await pause(leaseRetryMs);
          continue;
        }
        let lost = false;
        void lease.lost.then(() => {
          lost = true;
          signal.wake();
        });
        try {
          await runWithLease(() => lost);
        } catch (error) {
          if (error instanceof Stopping) break;
          if (error instanceof SubscriberFailedError) {
            state = 'failed';
            report(error);
            return;
          }
          // Lost the lease or the database: give the lease back and start over.
          if (!(error instanceof CheckpointMovedError)) report(error);
          state = 'failing';
          await pause(Math.min(leaseRetryMs, 1_000)).catch(() => undefined);
        } finally {
          await lease.release();
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
