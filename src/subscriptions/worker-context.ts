import type { RetryPolicy } from '../retry.js';
import type { Cursor, PostgresEventStore } from '../store/index.js';
import type { SubscriberActivity, SubscriberDefinition } from './types.js';

/** Thrown inside a worker's loop when a stop interrupts a wait. */
export class Stopping extends Error {}

/** What the parts of a worker share while it holds the subscriber's lease. */
export interface WorkerContext {
  readonly store: PostgresEventStore;
  readonly definition: SubscriberDefinition;
  readonly retry: RetryPolicy;
  /** Streams with a failed or blocked parked event: their later events wait behind it. */
  readonly blocked: Set<string>;
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

/** A failure, as recorded with a parked event and in the status. */
export const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
