import type { Cursor } from '../store/index.js';
import { ProjectionNotReadyError } from './errors.js';
import { filterOf, projectionSubscriber } from './generation.js';
import { follow } from './reconcile.js';
import { definitionOf, type RuntimeState } from './runtime-state.js';
import { viewsOf, type ViewReader } from './views.js';

/** How often a query waiting for a projection's first build looks again. */
const FIRST_BUILD_CHECK_MS = 25;
/** How often a read-your-writes wait looks whether another process switched generations. */
const SWITCH_CHECK_MS = 250;
/** SQLSTATE undefined_table: a generation another process dropped after switching away. */
const UNDEFINED_TABLE = '42P01';

const isUndefinedTable = (error: unknown): boolean =>
  (error as { code?: unknown } | undefined)?.code === UNDEFINED_TABLE;

/** Reads of `name`'s active generation; `ProjectionNotReadyError` before its first build. */
export function activeReader(state: RuntimeState, name: string): ViewReader {
  definitionOf(state, name);
  const storage = state.active.get(name);
  if (storage === undefined) throw new ProjectionNotReadyError(name);
  return viewsOf(state.store.driver, storage);
}

/**
 * Runs `read`, which reads `names`. When another process switched one of them to a new
 * generation and dropped the one this process still read, follows the switch and runs `read`
 * once more.
 */
export async function readFollowing<T>(
  state: RuntimeState,
  names: readonly string[],
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isUndefinedTable(error)) throw error;
    for (const name of names) await follow(state, definitionOf(state, name));
    return read();
  }
}

/**
 * Waits until `name`'s active generation has applied everything up to `cursor`, following
 * switches to other generations; false when `timeoutMs` passes first.
 */
export async function waitUntilCaughtUp(
  state: RuntimeState,
  name: string,
  cursor: Cursor,
  timeoutMs: number,
): Promise<boolean> {
  const definition = definitionOf(state, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const storage = state.active.get(name);
    // A projection's first build must finish before there is anything to read.
    if (storage === undefined) {
      await new Promise((settle) => setTimeout(settle, FIRST_BUILD_CHECK_MS));
    } else {
      const subscriber = projectionSubscriber(name, storage.generation);
      const slice = Math.max(0, Math.min(SWITCH_CHECK_MS, deadline - Date.now()));
      const filter = filterOf(definition);
      if (await state.engine.waitUntilCaughtUp(subscriber, cursor, slice, filter)) return true;
    }
    if (Date.now() >= deadline) return false;
    // Another process may have switched generations (and dropped this one's checkpoint).
    if (storage !== undefined) await follow(state, definition);
  }
}
