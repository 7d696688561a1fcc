import { backoffDelayMs } from '../retry.js';
import {
  compareCursors,
  isStoreUnavailable,
  type Cursor,
  type LogEntry,
  type LogPage,
  type SqlExecutor,
  type StoredEvent,
} from '../store/index.js';
import { CheckpointMovedError, SubscriberFailedError } from './errors.js';
import { advanceCheckpoint, type Progress } from './postgres/checkpoints.js';
import { parkEvents, type ParkRequest } from './postgres/parking.js';
import { describe, type WorkerContext } from './worker-context.js';

const later = (a: Cursor, b: Cursor): Cursor => (compareCursors(a, b) >= 0 ? a : b);

/** A batch sorted out: events to hand to the handler, events to park, streams that block. */
interface Plan {
  readonly handle: StoredEvent[];
  readonly park: ParkRequest[];
  readonly newlyBlocked: Set<string>;
}

/**
 * Handles what a worker read: a page in one step, one event at a time to find a poison event
 * when the page fails, and events that cannot be decoded straight to the poison policy
 * (retrying cannot decode them: only new code or an operator can).
 */
export function createPageProcessor(context: WorkerContext) {
  const { store, definition, retry, blocked } = context;
  const { name, transactional = false } = definition;
  const sql = store.driver;

  /**
   * Commits one step: the handler's work on `events`, the events to park, and the checkpoint
   * moving from `from` to `to`. Transactional subscribers do all of it in one transaction.
   */
  async function commitStep(
    from: Cursor,
    to: Progress,
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
    for (const { event, status, error } of parked) {
      context.notify({ kind: 'parked', event, status, ...(error === undefined ? {} : { error }) });
    }
    context.committed(to.handled);
  }

  /** Parks `event` as failed (its stream's later events wait behind it), or stops. */
  async function poisoned(
    event: StoredEvent,
    from: Progress,
    failure: unknown,
    attempts: number,
  ): Promise<Progress> {
    if (definition.onPoisonEvent === 'stop') {
      const reason = attempts === 0 ? 'undecodable' : 'handler-failed';
      throw new SubscriberFailedError(name, event.id, { cause: failure }, reason);
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
    let failure: unknown;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      try {
        await commitStep(from.handled, to, [event], []);
        return to;
      } catch (error) {
        // The database refusing work (read-only, disk full) says nothing about the event: stop
        // and start over from the checkpoint later, never park it.
        if (error instanceof CheckpointMovedError || isStoreUnavailable(error)) throw error;
        failure = error;
        context.failing();
        if (attempt === retry.maxAttempts) {
          context.report(error);
          break;
        }
        const delayMs = backoffDelayMs(retry, attempt);
        const { maxAttempts } = retry;
        context.report(error, { kind: 'retrying', error, event, attempt, maxAttempts, delayMs });
        await context.pause(delayMs);
      }
    }
    return poisoned(event, from, failure, retry.maxAttempts);
  }

  /** Sorts a batch: blocked streams and undecodable events are parked, the rest handled. */
  function plan(entries: readonly LogEntry[]): Plan {
    const result: Plan = { handle: [], park: [], newlyBlocked: new Set() };
    const isBlocked = (streamId: string) =>
      blocked.has(streamId) || result.newlyBlocked.has(streamId);
    for (const { event, problem } of entries) {
      if (isBlocked(event.streamId)) {
        result.park.push({ event, status: 'blocked' });
      } else if (problem !== undefined) {
        context.report(problem);
        result.park.push({ event, status: 'failed', error: describe(problem), attempts: 0 });
        result.newlyBlocked.add(event.streamId);
      } else {
        result.handle.push(event);
      }
    }
    return result;
  }

  /**
   * Handles a page from `from` and returns the progress after it. Under the `stop` policy the
   * events before an undecodable one are handled first, and the next page stops on it.
   */
  async function processPage(page: LogPage, from: Progress): Promise<Progress> {
    const { entries } = page;
    const firstProblem =
      definition.onPoisonEvent === 'stop'
        ? entries.findIndex(
            ({ event, problem }) => problem !== undefined && !blocked.has(event.streamId),
          )
        : -1;
    const [first] = entries;
    if (firstProblem === 0 && first !== undefined) return processOne(first, from);
    const batch = firstProblem > 0 ? entries.slice(0, firstProblem) : entries;
    const last = batch.at(-1)?.event.cursor;
    if (last === undefined)
      return { handled: from.handled, scanned: later(from.scanned, page.end) };
    const to = {
      handled: last,
      scanned: later(from.scanned, firstProblem > 0 ? last : page.end),
    };
    const { handle, park, newlyBlocked } = plan(batch);
    try {
      await commitStep(from.handled, to, handle, park);
      for (const streamId of newlyBlocked) blocked.add(streamId);
      return to;
    } catch (error) {
      if (error instanceof CheckpointMovedError || isStoreUnavailable(error)) throw error;
      context.report(error);
    }
    let position = from;
    for (const entry of batch) position = await processOne(entry, position);
    return { handled: position.handled, scanned: later(position.scanned, to.scanned) };
  }

  return { processPage };
}
