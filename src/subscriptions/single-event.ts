import { backoffDelayMs, retrying } from '../retry.js';
import {
  compareCursors,
  isStoreUnavailable,
  type Cursor,
  type LogEntry,
  type StoredEvent,
} from '../store/index.js';
import type { CommitStep } from './commit-step.js';
import { CheckpointMovedError, SubscriberFailedError } from './errors.js';
import type { Progress } from './postgres/checkpoints.js';
import type { ParkRequest } from './postgres/parking.js';
import { describe, Stopping, type WorkerContext } from './worker-context.js';

/** The later of two cursors. */
export const later = (a: Cursor, b: Cursor): Cursor => (compareCursors(a, b) >= 0 ? a : b);

/**
 * A failure that says nothing about the event: another process took the checkpoint, or the
 * database refuses work (read-only, disk full). The worker starts over later, never parks.
 */
export const isWorkerFailure = (error: unknown): boolean =>
  error instanceof CheckpointMovedError || isStoreUnavailable(error);

/**
 * Handles events one at a time (to find the poison event of a failed page): each is retried
 * with backoff, then parked as failed, blocking its stream, or under the `stop` policy stops
 * the subscriber. Returns the progress after the event.
 */
export function createSingleEventProcessor(context: WorkerContext, commitStep: CommitStep) {
  const { definition, retry, blocked } = context;

  /** Parks `event` as failed (its stream's later events wait behind it), or stops. */
  async function poisoned(
    event: StoredEvent,
    from: Progress,
    failure: unknown,
    attempts: number,
  ): Promise<Progress> {
    if (definition.onPoisonEvent === 'stop') {
      const reason = attempts === 0 ? 'undecodable' : 'handler-failed';
      throw new SubscriberFailedError(definition.name, event.id, { cause: failure }, reason);
    }
    const to = { handled: event.cursor, scanned: later(from.scanned, event.cursor) };
    const request: ParkRequest = { event, status: 'failed', error: describe(failure), attempts };
    await commitStep(from.handled, to, [], [request]);
    blocked.add(event.streamId);
    return to;
  }

  /** Handles `entry` alone, retrying; parks it (or stops) when the retries are spent. */
  async function processOne({ event, problem }: LogEntry, from: Progress): Promise<Progress> {
    const to = { handled: event.cursor, scanned: later(from.scanned, event.cursor) };
    if (blocked.has(event.streamId)) {
      await commitStep(from.handled, to, [], [{ event, status: 'blocked' }]);
      return to;
    }
    if (problem !== undefined) {
      context.report(problem);
      return poisoned(event, from, problem, 0);
    }
    const { maxAttempts } = retry;
    let failure: unknown;
    try {
      await retrying(() => commitStep(from.handled, to, [event], []), {
        attempts: maxAttempts,
        retryIf: (error) => !isWorkerFailure(error),
        onFailure: (error, attempt) => {
          context.failing();
          failure = error;
          // The last failure is reported with the parking (or the stop) that follows it.
          if (attempt === maxAttempts) context.report(error);
        },
        delayMs: (attempt) => {
          const delayMs = backoffDelayMs(retry, attempt);
          context.report(failure, {
            kind: 'retrying',
            error: failure,
            event,
            attempt,
            maxAttempts,
            delayMs,
          });
          return delayMs;
        },
        wait: (ms) => context.pause(ms),
      });
      return to;
    } catch (error) {
      if (error instanceof Stopping || isWorkerFailure(error)) throw error;
      return poisoned(event, from, error, retry.maxAttempts);
    }
  }

  return { processOne };
}
