import type { RetryPolicy } from '../retry.js';
import type { Cursor, PostgresEventStore } from '../store/index.js';
import { runWhileStarted } from './lease-loop.js';
import { createPageProcessor } from './page-processor.js';
import { createParkedRequests } from './parked-requests.js';
import { createReadLoop } from './read-loop.js';
import type {
  SubscriberActivity,
  SubscriberDefinition,
  SubscriberObserver,
  SubscriberState,
} from './types.js';
import { createWorkerContext, Stopping } from './worker-context.js';

/** A subscriber's default retries: 5 attempts, backing off from 50 ms up to 5 s. */
export const DEFAULT_SUBSCRIBER_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 50,
  maxDelayMs: 5_000,
};

/** What `createSubscriptionWorker` needs: the store, the subscriber, and the engine's timings. */
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
  readonly observer: SubscriberObserver | undefined;
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

/**
 * A worker for one subscriber: its lifecycle (start, stop, status) over parts of one concept
 * each — the lease loop (`lease-loop.ts`), the read loop (`read-loop.ts`), the page processor
 * with its one-at-a-time fallback (`page-processor.ts`, `single-event.ts`) and operators'
 * requests on parked events (`parked-requests.ts`) — that share a `WorkerContext`.
 */
export function createSubscriptionWorker(options: WorkerOptions): SubscriptionWorker {
  const { definition } = options;
  const retry = { ...DEFAULT_SUBSCRIBER_RETRY, ...definition.retry };
  const controls = createWorkerContext({ ...options, retry });
  const { context } = controls;
  const { status, signal } = context;
  const { processPage } = createPageProcessor(context);
  const { settleRequests } = createParkedRequests(context);
  const { readWhileLeased } = createReadLoop(context, { processPage, settleRequests });
  let running: Promise<void> | undefined;

  return {
    name: definition.name,
    get state() {
      return status.state;
    },
    get lastError() {
      return status.lastError;
    },
    get scannedTo() {
      return status.scanned;
    },
    start() {
      controls.begin();
      running ??= runWhileStarted(context, readWhileLeased)
        .catch((error: unknown) => {
          if (!(error instanceof Stopping)) context.report(error);
        })
        .finally(() => (running = undefined));
    },
    async stop() {
      controls.requestStop();
      await running;
      if (status.state !== 'failed') status.state = 'stopped';
    },
    wake: () => {
      signal.wake();
    },
    onProgress: (listener) => controls.onProgress(listener),
  };
}
