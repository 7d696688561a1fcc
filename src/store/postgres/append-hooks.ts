import type { AppendResult, Unsubscribe } from '../types.js';
import type { AppendHook, TransactionalEventStore } from './store-types.js';

/** The append hooks of a store. */
export interface AppendHooks {
  add(hook: AppendHook): Unsubscribe;
  /** The hooks that want appends of events of `types`. */
  wanting(types: readonly string[]): AppendHook[];
}

/** An empty set of append hooks. */
export function createAppendHooks(): AppendHooks {
  const hooks = new Set<AppendHook>();
  return {
    add(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    wanting: (types) => [...hooks].filter((hook) => hook.wants(types)),
  };
}

/** Runs `hooks` on an append in its transaction, with its events read back once for all. */
export async function runHooks(
  tx: TransactionalEventStore,
  appended: AppendResult,
  hooks: readonly AppendHook[],
): Promise<void> {
  const first = appended.events[0];
  const last = appended.events.at(-1);
  if (hooks.length === 0 || first === undefined || last === undefined) return;
  const events = await tx.readStream(appended.streamId, {
    from: first.streamVersion,
    to: last.streamVersion,
  });
  for (const hook of hooks) await hook.afterAppend(tx, appended, events);
}
