import { StrataError } from '../errors.js';

/** Another process advanced the checkpoint: this one lost the subscriber's lease. */
export class CheckpointMovedError extends StrataError {
  readonly code = 'CHECKPOINT_MOVED';

  constructor(readonly subscriber: string) {
    super(`The checkpoint of ${subscriber} was moved by another process`);
  }
}

/**
 * A subscriber under the `stop` policy met a poison event: one its handler keeps failing on,
 * or one that cannot be decoded.
 */
export class SubscriberFailedError extends StrataError {
  readonly code = 'SUBSCRIBER_FAILED';

  constructor(
    readonly subscriber: string,
    readonly eventId: string,
    options: ErrorOptions,
    readonly reason: 'handler-failed' | 'undecodable' = 'handler-failed',
  ) {
    super(
      reason === 'handler-failed'
        ? `Subscriber ${subscriber} stopped: its handler keeps failing on event ${eventId}`
        : `Subscriber ${subscriber} stopped: event ${eventId} cannot be decoded`,
      options,
    );
  }
}

/** A checkpoint may be moved only while its subscriber is paused (nothing else moves it then). */
export class SubscriberNotPausedError extends StrataError {
  readonly code = 'SUBSCRIBER_NOT_PAUSED';

  constructor(readonly subscriber: string) {
    super(`Pause ${subscriber} before moving its checkpoint (it has none, or it is running)`);
  }
}

/** No subscriber of that name is registered. */
export class UnknownSubscriberError extends StrataError {
  readonly code = 'UNKNOWN_SUBSCRIBER';

  constructor(readonly subscriber: string) {
    super(`No subscriber named ${JSON.stringify(subscriber)} is registered`);
  }
}

/** No failed parked event at that position for that subscriber. */
export class ParkedEventNotFoundError extends StrataError {
  readonly code = 'PARKED_EVENT_NOT_FOUND';

  constructor(
    readonly subscriber: string,
    readonly globalPosition: number,
  ) {
    super(`${subscriber} has no failed parked event at position ${globalPosition}`);
  }
}

/** Two subscribers share one name. */
export class DuplicateSubscriberError extends StrataError {
  readonly code = 'DUPLICATE_SUBSCRIBER';

  constructor(readonly subscriber: string) {
    super(`Subscriber ${JSON.stringify(subscriber)} is registered twice`);
  }
}

/**
 * Thrown by a non-transactional handler that did its work on a batch except for some events:
 * those are parked (failed), their streams' later events of the batch held behind them, and
 * the rest count as handled — no event handled again. Honoured for subscribers that park at
 * the first failure (`retry.maxAttempts` 1); others retry the batch one event at a time.
 */
export class EventsFailedError extends StrataError {
  readonly code = 'EVENTS_FAILED';

  constructor(
    /** Event id → why it failed. */
    readonly failures: ReadonlyMap<string, string>,
  ) {
    const [first] = failures.values();
    super(
      failures.size === 1
        ? (first ?? 'an event failed')
        : `${failures.size} events failed; the first: ${first ?? ''}`,
    );
  }
}
