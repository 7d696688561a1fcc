import type { RetryPolicy } from '../retry.js';
import type {
  Cursor,
  EventFilter,
  EventStore,
  SqlExecutor,
  StoredEvent,
  TransactionalEventStore,
} from '../store/index.js';

/** What a subscriber's handler gets besides the events. */
export interface SubscriberContext {
  readonly subscriber: string;
  /**
   * For a transactional subscriber, the transaction its checkpoint commits in: writes made
   * through it commit with the checkpoint or not at all. `undefined` otherwise.
   */
  readonly sql: SqlExecutor | undefined;
  /** The store; bound to that transaction for a transactional subscriber. */
  readonly store: EventStore | TransactionalEventStore;
}

/** Handles a batch of events, in log order; throwing fails the whole batch. */
export type BatchHandler = (
  events: readonly StoredEvent[],
  context: SubscriberContext,
) => Promise<void>;

/**
 * Something a subscriber went through that an operator wants to hear of (`strata serve` logs
 * each one): its lease taken, lost or given back, a failure retried or given up on, an event
 * parked, the subscriber stopped by a poison event.
 */
export type SubscriberActivity =
  | { readonly kind: 'lease-acquired' }
  | { readonly kind: 'lease-lost' }
  | { readonly kind: 'lease-released' }
  | {
      readonly kind: 'retrying';
      readonly error: unknown;
      readonly event: StoredEvent;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
    }
  | {
      readonly kind: 'parked';
      readonly event: StoredEvent;
      /** `failed`: its handler gave up on it; `blocked`: it waits behind a failed event. */
      readonly status: 'failed' | 'blocked';
      readonly error?: string;
    }
  | { readonly kind: 'stopped'; readonly error: unknown }
  /** Any other failure: it is retried (the batch one event at a time, the loop from its checkpoint). */
  | { readonly kind: 'failed'; readonly error: unknown };

/** What a subscriber does with an event its handler keeps failing on. */
export type PoisonPolicy = 'park' | 'stop';

/** A subscriber of the log: a name, which events, what to do with them. */
export interface SubscriberDefinition {
  /** Unique; names its checkpoint, its lease and its parked events. */
  readonly name: string;
  readonly filter?: EventFilter;
  readonly handle: BatchHandler;
  /**
   * Run each batch in one transaction with the checkpoint, so the handler's database writes
   * apply exactly once (projections). Otherwise the handler runs first and the checkpoint
   * commits after it: at-least-once (reactors with side effects elsewhere). Default false.
   */
  readonly transactional?: boolean;
  /** Most events per batch; default 500. */
  readonly batchSize?: number;
  /**
   * Hand the handler events exactly as stored (no upcasting; no event is undecodable): for
   * archives. Default false.
   */
  readonly asStored?: boolean;
  /**
   * How long a batch shorter than `batchSize` may wait, from when its first event was read, for
   * more events before it is handled: fewer, larger batches (an archiver's files) at the cost of
   * that much latency. The checkpoint does not move while it waits. Default 0.
   */
  readonly lingerMs?: number;
  /** Retries of a failing event before it is parked; default 5 attempts, 50 ms to 5 s. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * What to do with a poison event — one the handler keeps failing on, or one that cannot be
   * decoded (a type nothing registers, data the upcasters cannot read), which is not retried:
   * `park` (default) sets it aside with its error, holds its stream's later events behind it
   * and goes on with other streams; `stop` stops the subscriber.
   */
  readonly onPoisonEvent?: PoisonPolicy;
  /**
   * Where a subscriber without a checkpoint starts: the log's beginning (default) or end. The
   * end is the last event readable when it starts: events of transactions still open then
   * are delivered, and a few events committed just before may be delivered too.
   */
  readonly startFrom?: 'beginning' | 'end';
}

/** What one committed step of a subscriber did: events its handler took, events it parked. */
export interface SubscriberStep {
  readonly handled: number;
  /** Each parked event's status: `failed` (its handler failed) or `blocked` behind one. */
  readonly parked: readonly ('failed' | 'blocked')[];
  /** How long the handler took, when it ran. */
  readonly handlerSeconds: number | undefined;
}

/** Hears what subscribers of an engine do (metrics). */
export interface SubscriberObserver {
  committed(subscriber: string, step: SubscriberStep): void;
  /** A handler threw: the batch is retried, or its poison event found and parked. */
  failed(subscriber: string): void;
}

/** Where a subscriber is in its life. */
export type SubscriberState =
  /** Not started, or waiting for another process to give up the lease. */
  | 'standby'
  /** Reading full batches: behind the head of the log. */
  | 'catching-up'
  /** At the head of the log, handling events as they commit. */
  | 'live'
  /** Retrying an event that failed. */
  | 'failing'
  /** Paused by an operator: it holds its lease and reads nothing until resumed. */
  | 'paused'
  /** Stopped on purpose. */
  | 'stopped'
  /** Stopped by a poison event under the `stop` policy. */
  | 'failed';

/** A subscriber's progress, as the dashboard and metrics read it. */
export interface SubscriberStatus {
  readonly name: string;
  /** As seen by this process; `standby` when another process runs it. */
  readonly state: SubscriberState;
  /** Cursor of the last event it finished; `undefined` before the first. */
  readonly cursor: Cursor | undefined;
  /**
   * Committed events after the cursor that it will read. Counted over a bounded stretch of the
   * log: when `lagComplete` is false there are at least this many.
   */
  readonly lagEvents: number;
  /** False when `lagEvents` is a lower bound (the subscriber is far behind). */
  readonly lagComplete: boolean;
  /**
   * Age of the oldest of those, in seconds (when far behind: of the oldest event it has not
   * read yet); 0 when there are none.
   */
  readonly lagSeconds: number;
  /** Events parked as failed or blocked behind one. */
  readonly parked: number;
  readonly lastError: string | undefined;
}

/** A parked event, as listed for an operator. */
export interface ParkedEvent {
  readonly subscriber: string;
  readonly globalPosition: number;
  readonly cursor: Cursor;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** `failed`: its handler failed; `blocked`: held behind a failed event of its stream. */
  readonly status: 'failed' | 'blocked' | 'skipped';
  readonly error: string | undefined;
  readonly attempts: number;
  readonly requestedAction: 'retry' | 'skip' | undefined;
  readonly parkedAt: Date;
  readonly updatedAt: Date;
}
