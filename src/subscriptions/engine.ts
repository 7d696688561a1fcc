import {
  compareCursors,
  type Cursor,
  type EventFilter,
  type PostgresEventStore,
} from '../store/index.js';
import { DuplicateSubscriberError, UnknownSubscriberError } from './errors.js';
import { createParkedEvents, type ParkedEvents } from './parked-events.js';
import { readCheckpoint, readProgress, type Progress } from './postgres/checkpoints.js';
import { countParked } from './postgres/parking.js';
import { createSubscriptionWorker, type SubscriptionWorker } from './subscription-worker.js';
import type { SubscriberActivity, SubscriberDefinition, SubscriberStatus } from './types.js';

export interface SubscriptionEngineOptions {
  readonly store: PostgresEventStore;
  readonly subscribers?: readonly SubscriberDefinition[];
  /** Longest a live subscriber waits before looking for events no notification announced. */
  readonly pollIntervalMs?: number;
  /** How often a subscriber running elsewhere is checked for a lease to take over. */
  readonly leaseRetryMs?: number;
  /** Told about every failure a subscriber retries, parks or stops on. */
  readonly onError?: (error: unknown, subscriber: string) => void;
  /**
   * Told what each subscriber goes through: failures with what follows them (a retry, parking,
   * a stop) and its lease taken, lost or given back. For operators' logs.
   */
  readonly onActivity?: (subscriber: string, activity: SubscriberActivity) => void;
}

/**
 * Runs every downstream consumer of the log — projections, reactors, forwarders — the same
 * way: each subscriber reads from its checkpoint in log order, catches up, then follows new
 * commits, in exactly one process at a time.
 */
export interface SubscriptionEngine {
  /** Registers a subscriber; it starts at once if the engine runs. */
  add(definition: SubscriberDefinition): void;
  /** Stops a subscriber and forgets it (its checkpoint stays). */
  remove(name: string): Promise<void>;
  start(): void;
  /** Stops every subscriber after its batch in hand. */
  stop(): Promise<void>;
  /** Progress of every registered subscriber. */
  status(): Promise<SubscriberStatus[]>;
  statusOf(name: string): Promise<SubscriberStatus>;
  /**
   * Waits until subscriber `name` has handled every event it reads up to `cursor`; false when
   * `timeoutMs` passes first. A subscriber not registered here (run by another process) is
   * judged by its checkpoint and `filter`.
   */
  waitUntilCaughtUp(
    name: string,
    cursor: Cursor,
    timeoutMs: number,
    filter?: EventFilter,
  ): Promise<boolean>;
  /** The checkpoint of any subscriber, registered here or not. */
  checkpoint(name: string): Promise<Cursor | undefined>;
  /** Calls `listener` after each checkpoint a subscriber of this engine commits. */
  onProgress(listener: (subscriber: string, cursor: Cursor) => void): () => void;
  readonly parked: ParkedEvents;
}

const WAIT_POLL_MS = 25;
/**
 * Most events of the log a lag count or a catch-up check looks at: their cost stays bounded
 * however far behind a subscriber is (the lag then reads "at least").
 */
export const LAG_MAX_ROWS = 10_000;

export function createSubscriptionEngine(options: SubscriptionEngineOptions): SubscriptionEngine {
  const {
    store,
    pollIntervalMs = 1_000,
    leaseRetryMs = 1_000,
    onError = () => undefined,
    onActivity = () => undefined,
  } = options;
  const entries = new Map<
    string,
    { definition: SubscriberDefinition; worker: SubscriptionWorker }
  >();
  const progressListeners = new Set<(subscriber: string, cursor: Cursor) => void>();
  let running = false;

  function entry(name: string) {
    const found = entries.get(name);
    if (found === undefined) throw new UnknownSubscriberError(name);
    return found;
  }

  function add(definition: SubscriberDefinition): void {
    if (entries.has(definition.name)) throw new DuplicateSubscriberError(definition.name);
    const worker = createSubscriptionWorker({
      store,
      definition,
      pollIntervalMs,
      leaseRetryMs,
      onError,
      onActivity,
    });
    entries.set(definition.name, { definition, worker });
    worker.onProgress((cursor) => {
      for (const listener of progressListeners) listener(definition.name, cursor);
    });
    if (running) worker.start();
  }

  /** How far `name` has read: its stored progress, or this process's newer knowledge of it. */
  function scannedTo(name: string, stored: Progress | undefined): Cursor | undefined {
    const local = entries.get(name)?.worker.scannedTo;
    if (stored === undefined || local === undefined) return stored?.scanned ?? local;
    return compareCursors(stored.scanned, local) >= 0 ? stored.scanned : local;
  }

  async function caughtUp(
    name: string,
    target: Cursor,
    filter: EventFilter | undefined,
  ): Promise<boolean> {
    const scanned = scannedTo(name, await readProgress(store.driver, name));
    if (scanned !== undefined && compareCursors(scanned, target) >= 0) return true;
    // Events the subscriber filters out never move its checkpoint: it is caught up when none
    // of the events it does read lie between where it got to and the target.
    const backlog = await store.backlog(scanned, filter, target, { maxRows: LAG_MAX_ROWS });
    return backlog.complete && backlog.events === 0;
  }

  async function statusOf(name: string): Promise<SubscriberStatus> {
    const { definition, worker } = entry(name);
    const progress = await readProgress(store.driver, name);
    const scanned = scannedTo(name, progress);
    const [backlog, parked] = await Promise.all([
      store.backlog(scanned, definition.filter, undefined, { maxRows: LAG_MAX_ROWS }),
      countParked(store.driver, name),
    ]);
    const oldest = backlog.oldestRecordedAt;
    return {
      name,
      state: worker.state,
      cursor: progress?.handled,
      lagEvents: backlog.events,
      lagComplete: backlog.complete,
      lagSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1000),
      parked,
      lastError: worker.lastError,
    };
  }

  for (const definition of options.subscribers ?? []) add(definition);

  return {
    add,
    async remove(name) {
      const { worker } = entry(name);
      await worker.stop();
      entries.delete(name);
    },
    start() {
      running = true;
      for (const { worker } of entries.values()) worker.start();
    },
    async stop() {
      running = false;
      await Promise.all([...entries.values()].map(({ worker }) => worker.stop()));
    },
    status: () => Promise.all([...entries.keys()].map(statusOf)),
    statusOf,
    async waitUntilCaughtUp(name, cursor, timeoutMs, filter) {
      const local = entries.get(name);
      const deadline = Date.now() + timeoutMs;
      let progressed: () => void = () => undefined;
      const stopListening = local?.worker.onProgress(() => {
        progressed();
      });
      try {
        while (!(await caughtUp(name, cursor, local?.definition.filter ?? filter))) {
          const remaining = deadline - Date.now();
          if (remaining <= 0) return false;
          // Woken by this process's progress, or polling for a subscriber run elsewhere.
          await new Promise<void>((settle) => {
            const timer = setTimeout(settle, Math.min(WAIT_POLL_MS, remaining));
            progressed = () => {
              clearTimeout(timer);
              settle();
            };
          });
        }
        return true;
      } finally {
        stopListening?.();
      }
    },
    checkpoint: (name) => readCheckpoint(store.driver, name),
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    parked: createParkedEvents(store.driver, (name) => entries.get(name)?.worker.wake()),
  };
}
