import { setTimeout as sleep } from 'node:timers/promises';

import type { RetryPolicy } from '../retry.js';
import type { Cursor, PostgresEventStore } from '../store/index.js';
import type {
  SubscriberActivity,
  SubscriberDefinition,
  SubscriberObserver,
  SubscriberState,
} from './types.js';
import { createWakeSignal, type WakeSignal } from './wake-signal.js';

/** Thrown inside a worker's loop when a stop interrupts a wait. */
export class Stopping extends Error {}

/** What a worker shows of itself (its status); its parts update it. */
export interface WorkerStatus {
  state: SubscriberState;
  /** The last failure, as recorded with a parked event. */
  lastError: string | undefined;
  /** How far the worker has read while it ran here; `undefined` before it first read. */
  scanned: Cursor | undefined;
}

/** What the parts of a worker (lease loop, read loop, page processor, requests) share. */
export interface WorkerContext {
  readonly store: PostgresEventStore;
  readonly definition: SubscriberDefinition;
  readonly retry: RetryPolicy;
  /** Longest sleep between reads when no commit wakes the worker. */
  readonly pollIntervalMs: number;
  /** How often a standby worker tries to take the lease. */
  readonly leaseRetryMs: number;
  readonly observer: SubscriberObserver | undefined;
  readonly status: WorkerStatus;
  /** Woken by commits the subscriber reads, operators' requests, a lost lease and a stop. */
  readonly signal: WakeSignal;
  /** Streams with a failed or blocked parked event: their later events wait behind it. */
  readonly blocked: Set<string>;
  /** Whether a stop was asked for. */
  readonly stopping: boolean;
  /**
   * Records a failure that is retried, parked or stopped on; `activity` says which (by default
   * a plain failure).
   */
  report(error: unknown, activity?: SubscriberActivity): void;
  /** Tells the engine's activity listener what happened. */
  notify(activity: SubscriberActivity): void;
  /** Waits `ms`, or less if a stop comes; then throws `Stopping` if it did. */
  pause(ms: number): Promise<void>;
  /** A handler failed and is retried. */
  failing(): void;
  /** Called after each checkpoint the worker commits. */
  committed(cursor: Cursor): void;
}

/** What `createWorkerContext` needs beyond the subscriber's definition. */
export interface WorkerContextOptions {
  readonly store: PostgresEventStore;
  readonly definition: SubscriberDefinition;
  readonly retry: RetryPolicy;
  readonly pollIntervalMs: number;
  readonly leaseRetryMs: number;
  readonly onError: (error: unknown, subscriber: string) => void;
  readonly onActivity: (subscriber: string, activity: SubscriberActivity) => void;
  readonly observer: SubscriberObserver | undefined;
}

/** A worker's shared context, and the controls its lifecycle (start, stop, listeners) uses. */
export interface WorkerControls {
  readonly context: WorkerContext;
  /** Clears a previous stop: waits last again. */
  begin(): void;
  /** Asks the loops to stop: waits end at once, and the next `pause` throws `Stopping`. */
  requestStop(): void;
  /** Adds a listener told of each checkpoint committed; returns its removal. */
  onProgress(listener: (cursor: Cursor) => void): () => void;
}

/** The context a worker's parts share, starting in standby. */
export function createWorkerContext(options: WorkerContextOptions): WorkerControls {
  const { onError, onActivity, ...shared } = options;
  const { definition } = shared;
  const progressListeners = new Set<(cursor: Cursor) => void>();
  let stopping = false;
  let stopRequested = new AbortController();
  const context: WorkerContext = {
    ...shared,
    status: { state: 'standby', lastError: undefined, scanned: undefined },
    signal: createWakeSignal(),
    blocked: new Set(),
    get stopping() {
      return stopping;
    },
    report(error, activity) {
      context.status.lastError = describe(error);
      onError(error, definition.name);
      context.notify(activity ?? { kind: 'failed', error });
    },
    notify(activity) {
      onActivity(definition.name, activity);
    },
    async pause(ms) {
      await sleep(ms, undefined, { signal: stopRequested.signal }).catch(() => undefined);
      if (stopping) throw new Stopping();
    },
    failing() {
      context.status.state = 'failing';
    },
    committed(cursor) {
      for (const listener of progressListeners) listener(cursor);
    },
  };
  return {
    context,
    begin() {
      stopping = false;
      stopRequested = new AbortController();
    },
    requestStop() {
      stopping = true;
      stopRequested.abort();
      context.signal.wake();
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
  };
}

/** A failure, as recorded with a parked event and in the status. */
export const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
