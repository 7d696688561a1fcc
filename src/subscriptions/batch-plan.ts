import type { LogEntry, StoredEvent } from '../store/index.js';
import type { ParkRequest } from './postgres/parking.js';
import { describe } from './worker-context.js';

/** A batch sorted out: events to hand to the handler, events to park, streams that block. */
export interface BatchPlan {
  readonly handle: StoredEvent[];
  readonly park: ParkRequest[];
  readonly newlyBlocked: Set<string>;
}

/**
 * Sorts a batch: events of `blocked` streams are parked as blocked, undecodable events are
 * parked as failed (`report`ed; their streams block from there on), the rest are handled.
 */
export function planBatch(
  entries: readonly LogEntry[],
  blocked: ReadonlySet<string>,
  report: (problem: unknown) => void,
): BatchPlan {
  const result: BatchPlan = { handle: [], park: [], newlyBlocked: new Set() };
  const isBlocked = (streamId: string) =>
    blocked.has(streamId) || result.newlyBlocked.has(streamId);
  for (const { event, problem } of entries) {
    if (isBlocked(event.streamId)) {
      result.park.push({ event, status: 'blocked' });
    } else if (problem !== undefined) {
      report(problem);
      result.park.push({ event, status: 'failed', error: describe(problem), attempts: 0 });
      result.newlyBlocked.add(event.streamId);
    } else {
      result.handle.push(event);
    }
  }
  return result;
}

/**
 * The events to park after a handler handled `handled` except `failures` (event id → error):
 * each failed event, and every later event of its stream in the batch (not handled: its
 * stream stopped there), which blocks from there on.
 */
export function planAfterFailures(
  handled: readonly StoredEvent[],
  failures: ReadonlyMap<string, string>,
): { park: ParkRequest[]; newlyBlocked: Set<string> } {
  const park: ParkRequest[] = [];
  const newlyBlocked = new Set<string>();
  for (const event of handled) {
    const error = failures.get(event.id);
    if (newlyBlocked.has(event.streamId)) {
      park.push({ event, status: 'blocked' });
    } else if (error !== undefined) {
      park.push({ event, status: 'failed', error, attempts: 1 });
      newlyBlocked.add(event.streamId);
    }
  }
  return { park, newlyBlocked };
}
