import { retirePending } from './generations.js';
import { reconcile } from './reconcile.js';
import type { RuntimeState } from './runtime-state.js';

/** Follows changes other processes made: promotions, rebuilds; finishes pending drops. */
export async function sync(state: RuntimeState): Promise<void> {
  for (const definition of state.definitions.values()) await reconcile(state, definition);
  await retirePending(state);
}

/**
 * Syncs every `intervalMs` until the runtime stops, each time after the previous sync ended;
 * a failed sync goes to `onError` and is tried again on the next tick. Returns what stops the
 * pending tick.
 */
export function startSyncing(
  state: RuntimeState,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    timer = setTimeout(() => {
      sync(state)
        .catch(onError)
        .finally(() => {
          if (!state.stopped) tick();
        });
    }, intervalMs);
    timer.unref();
  };
  tick();
  return () => {
    clearTimeout(timer);
  };
}
