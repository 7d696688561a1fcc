import { decodeCursor, encodeCursor, type Cursor, type LogEntry } from '../store/index.js';
import { operatorRequests, parkedQueue, settleParked, unpark } from './postgres/parking.js';
import type { ParkedEvent } from './types.js';
import { describe, type WorkerContext } from './worker-context.js';

/** The cursor just before `cursor`: reading after it starts with that very event. */
function justBefore(cursor: Cursor): Cursor {
  const { transactionId, globalPosition } = decodeCursor(cursor);
  return encodeCursor(transactionId, String(BigInt(globalPosition) - 1n));
}

/**
 * Carries out operators' retry and skip requests on a worker's parked events, releasing each
 * stream's queue in order.
 */
export function createParkedRequests(context: WorkerContext) {
  const { store, definition, blocked } = context;
  const { name, transactional = false } = definition;
  const sql = store.driver;

  /** The parked event read again the way the subscriber reads it, with any decoding problem. */
  async function reread(parked: ParkedEvent): Promise<LogEntry | undefined> {
    const { entries } = await store.readPage(justBefore(parked.cursor), { limit: 1 });
    const [entry] = entries;
    return entry?.event.globalPosition === parked.globalPosition ? entry : undefined;
  }

  /** Handles a parked event and unparks it, atomically for a transactional subscriber. */
  async function handleParked({ event, problem }: LogEntry): Promise<void> {
    if (problem !== undefined) throw problem;
    if (transactional) {
      await store.transaction(async (tx) => {
        await definition.handle([event], { subscriber: name, sql: tx.sql, store: tx });
        await unpark(tx.sql, name, event.globalPosition);
      });
    } else {
      await definition.handle([event], { subscriber: name, sql: undefined, store });
      await unpark(sql, name, event.globalPosition);
    }
  }

  /** Retries `parked`; false when it failed again (it stays parked, its stream blocked). */
  async function retryParked(parked: ParkedEvent): Promise<boolean> {
    const entry = await reread(parked);
    try {
      if (entry !== undefined) await handleParked(entry);
      else await unpark(sql, name, parked.globalPosition);
      return true;
    } catch (error) {
      context.report(error);
      await settleParked(sql, name, parked.globalPosition, {
        status: 'failed',
        error: describe(error),
        attempts: 1,
      });
      return false;
    }
  }

  /** Works through a stream's queue in order; true when nothing holds the stream back now. */
  async function settleStream(streamId: string): Promise<boolean> {
    for (const parked of await parkedQueue(sql, name, streamId)) {
      if (parked.requestedAction === 'skip') {
        await settleParked(sql, name, parked.globalPosition, { status: 'skipped' });
        continue;
      }
      if (parked.status === 'failed' && parked.requestedAction !== 'retry') return false;
      if (!(await retryParked(parked))) return false;
    }
    return true;
  }

  /**
   * Carries out every pending retry and skip; answers whether the subscriber is paused (it
   * then reads nothing until resumed, though requests on its parked events are still settled).
   */
  async function settleRequests(): Promise<{ paused: boolean }> {
    const { streams, paused } = await operatorRequests(sql, name);
    for (const streamId of streams) {
      if (await settleStream(streamId)) blocked.delete(streamId);
    }
    return { paused };
  }

  return { settleRequests };
}
