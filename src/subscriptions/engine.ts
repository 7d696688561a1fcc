import type { Cursor, EventFilter, LeaseHolder, PostgresEventStore } from '../store/index.js';
import {
  DuplicateSubscriberError,
  SubscriberNotPausedError,
  UnknownSubscriberError,
} from './errors.js';
import { createParkedEvents, type ParkedEvents } from './parked-events.js';
import { readCheckpoint } from './postgres/checkpoints.js';
import {
  listPauses,
  pauseSubscriber,
  resetPausedCheckpoint,
  resumeSubscriber,
  type SubscriberPause,
} from './postgres/pauses.js';
import { subscriberLeaseKey } from './subscriber-records.js';
import { caughtUp, subscriberStatus, waitUntil } from './subscriber-progress.js';
import { createSubscriptionWorker, type SubscriptionWorker } from './subscription-worker.js';
import type {
  SubscriberActivity,
  SubscriberDefinition,
  SubscriberObserver,
  SubscriberStatus,
} from './types.js';

/** What `createSubscriptionEngine` needs: the store, the subscribers, and its timings. */
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
  /** Told what each step of each subscriber did (metrics). */
  readonly observer?: SubscriberObserver;
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
  /**
   * Pauses subscriber `name` in whichever process runs it (it stops after the batch in hand and
   * keeps its lease) until `resume`; the pause is stored, so it outlasts restarts.
   */
  pause(name: string, reason?: string): Promise<void>;
  /** Ends a pause; false when `name` was not paused. */
  resume(name: string): Promise<boolean>;
  /**
   * Moves a paused subscriber's checkpoint to `cursor` (back to replay, on to skip); it reads
   * from there once resumed. Throws `SubscriberNotPausedError` unless it is paused.
   */
  resetTo(name: string, cursor: Cursor): Promise<void>;
  /** The subscribers paused now, registered here or not. */
  pauses(): Promise<SubscriberPause[]>;
  /** Which process runs subscriber `name` (holds its lease); `undefined` when none does. */
  leaseHolder(name: string): Promise<LeaseHolder | undefined>;
  /** Calls `listener` after each checkpoint a subscriber of this engine commits. */
  onProgress(listener: (subscriber: string, cursor: Cursor) => void): () => void;
  readonly parked: ParkedEvents;
}

/**
 * An engine running `subscribers` (more can be added): each in one process at a time, under its
 * lease, from its checkpoint. Nothing runs before `start`.
 *
 * @example
 * const engine = createSubscriptionEngine({ store, subscribers: [mailer] });
 * engine.start();
 */
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
      observer: options.observer,
    });
    entries.set(definition.name, { definition, worker });
    worker.onProgress((cursor) => {
      for (const listener of progressListeners) listener(definition.name, cursor);
    });
    if (running) worker.start();
  }

  async function statusOf(name: string): Promise<SubscriberStatus> {
    const { definition, worker } = entry(name);
    return subscriberStatus(store, definition, worker);
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
    waitUntilCaughtUp(name, cursor, timeoutMs, filter) {
      const local = entries.get(name);
      const check = () =>
        caughtUp(store, name, cursor, local?.definition.filter ?? filter, local?.worker.scannedTo);
      const onProgress =
        local === undefined
          ? undefined
          : (listener: () => void) => local.worker.onProgress(listener);
      return waitUntil(check, timeoutMs, onProgress);
    },
    checkpoint: (name) => readCheckpoint(store.driver, name),
    async pause(name, reason) {
      await pauseSubscriber(store.driver, name, reason);
      entries.get(name)?.worker.wake();
    },
    async resume(name) {
      const resumed = await resumeSubscriber(store.driver, name);
      entries.get(name)?.worker.wake();
      return resumed;
    },
    async resetTo(name, cursor) {
      if (!(await resetPausedCheckpoint(store.driver, name, cursor))) {
        throw new SubscriberNotPausedError(name);
      }
    },
    pauses: () => listPauses(store.driver),
    leaseHolder: (name) => store.driver.leaseHolder(subscriberLeaseKey(name)),
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    parked: createParkedEvents(store.driver, (name) => entries.get(name)?.worker.wake()),
  };
}
