import {
  compareCursors,
  type Cursor,
  type EventFilter,
  type PostgresEventStore,
} from '../store/index.js';
import { readProgress, type Progress } from './postgres/checkpoints.js';
import { countParked } from './postgres/parking.js';
import type { SubscriptionWorker } from './subscription-worker.js';
import type { SubscriberDefinition, SubscriberStatus } from './types.js';

/**
 * Most events of the log a lag count or a catch-up check looks at: their cost stays bounded
 * however far behind a subscriber is (the lag then reads "at least").
 */
export const LAG_MAX_ROWS = 10_000;

/** How far a subscriber has read: its stored progress, or this process's newer knowledge. */
function scannedTo(stored: Progress | undefined, local: Cursor | undefined): Cursor | undefined {
  if (stored === undefined || local === undefined) return stored?.scanned ?? local;
  return compareCursors(stored.scanned, local) >= 0 ? stored.scanned : local;
}

/**
 * Whether subscriber `name` has handled every event it reads (`filter`) up to `target`.
 * `local` is how far its worker in this process has read, if one runs here.
 */
export async function caughtUp(
  store: PostgresEventStore,
  name: string,
  target: Cursor,
  filter: EventFilter | undefined,
  local: Cursor | undefined,
): Promise<boolean> {
  const scanned = scannedTo(await readProgress(store.driver, name), local);
  if (scanned !== undefined && compareCursors(scanned, target) >= 0) return true;
  // Events the subscriber filters out never move its checkpoint: it is caught up when none
  // of the events it does read lie between where it got to and the target.
  const backlog = await store.backlog(scanned, filter, target, { maxRows: LAG_MAX_ROWS });
  return backlog.complete && backlog.events === 0;
}

/** The status of a subscriber this process runs: state, checkpoint, lag and parked count. */
export async function subscriberStatus(
  store: PostgresEventStore,
  definition: SubscriberDefinition,
  worker: SubscriptionWorker,
): Promise<SubscriberStatus> {
  const { name } = definition;
  const progress = await readProgress(store.driver, name);
  const scanned = scannedTo(progress, worker.scannedTo);
  const [backlog, parked] = await Promise.all([
    store.backlog(scanned, definition.filter, undefined, { maxRows: LAG_MAX_ROWS }),
    countParked(store.driver, name),
  ]);
  const oldest = backlog.oldestRecordedAt;
  return {
    name,
    state: worker.state,
    cursor: progress?.handled,
    lagEvents: backlog.events,
    lagComplete: backlog.complete,
    lagSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1000),
    parked,
    lastError: worker.lastError,
  };
}

const WAIT_POLL_MS = 25;

/**
 * Waits until `check` holds; false when `timeoutMs` passes first. It looks again on each
 * progress `onProgress` reports (a worker in this process), and otherwise polls (a subscriber
 * run elsewhere).
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  onProgress: ((listener: () => void) => () => void) | undefined,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let progressed: () => void = () => undefined;
  const stopListening = onProgress?.(() => {
    progressed();
  });
  try {
    while (!(await check())) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((settle) => {
        const timer = setTimeout(settle, Math.min(WAIT_POLL_MS, remaining));
        progressed = () => {
          clearTimeout(timer);
          settle();
        };
      });
    }
    return true;
  } finally {
    stopListening?.();
  }
}
