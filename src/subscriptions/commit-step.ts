import { SpanKind } from '@opentelemetry/api';

import { batchTraceStart, inSpan } from '../observability/index.js';
import type { Cursor, SqlExecutor, StoredEvent } from '../store/index.js';
import { CheckpointMovedError } from './errors.js';
import { advanceCheckpoint, type Progress } from './postgres/checkpoints.js';
import { parkEvents, type ParkRequest } from './postgres/parking.js';
import type { SubscriberContext } from './types.js';
import type { WorkerContext } from './worker-context.js';

/**
 * Commits one step of a worker: the handler's work on `events`, the events to park, and the
 * checkpoint moving from `from` to `to`. Transactional subscribers do all of it in one
 * transaction; others handle first, then park and move the checkpoint together. Throws
 * `CheckpointMovedError` when another process moved the checkpoint meanwhile.
 */
export type CommitStep = (
  from: Cursor,
  to: Progress,
  events: readonly StoredEvent[],
  parked: readonly ParkRequest[],
) => Promise<void>;

/** The step committer of the worker of `context`. */
export function createCommitStep(context: WorkerContext): CommitStep {
  const { store, definition, observer } = context;
  const { name, transactional = false } = definition;
  const handle = timedHandler(context);
  return async (from, to, events, parked) => {
    const finish = async (tx: SqlExecutor): Promise<void> => {
      if (parked.length > 0) await parkEvents(tx, name, parked);
      if (!(await advanceCheckpoint(tx, name, from, to))) throw new CheckpointMovedError(name);
    };
    let handlerSeconds: number | undefined;
    if (transactional) {
      await store.transaction(async (tx) => {
        if (events.length > 0)
          handlerSeconds = await handle(events, { subscriber: name, sql: tx.sql, store: tx });
        await finish(tx.sql);
      });
    } else {
      if (events.length > 0)
        handlerSeconds = await handle(events, { subscriber: name, sql: undefined, store });
      await store.driver.transaction(finish);
    }
    for (const { event, status, error } of parked) {
      context.notify({ kind: 'parked', event, status, ...(error === undefined ? {} : { error }) });
    }
    observer?.committed(name, {
      handled: events.length,
      parked: parked.map(({ status }) => status),
      handlerSeconds,
    });
    context.committed(to.handled);
  };
}

/**
 * The subscriber's handler in a span of the trace its events came from (see `batchTraceStart`),
 * answering how long it took; a failure is told to the observer and thrown on.
 */
function timedHandler(context: WorkerContext) {
  const { definition, observer } = context;
  const attributes = { 'strata.subscriber': definition.name };
  return async (events: readonly StoredEvent[], handling: SubscriberContext): Promise<number> => {
    const startedAt = performance.now();
    const start = batchTraceStart(events.map((event) => event.metadata));
    try {
      await inSpan(
        `strata.subscriber ${definition.name}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: { ...attributes, 'strata.events': events.length },
          ...start,
        },
        () => definition.handle(events, handling),
      );
    } catch (error) {
      observer?.failed(definition.name);
      throw error;
    }
    return (performance.now() - startedAt) / 1000;
  };
}
