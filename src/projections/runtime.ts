import type { Cursor, PostgresEventStore } from '../store/index.js';
import type { SubscriptionEngine } from '../subscriptions/index.js';
import type { ProjectionDefinition } from './define.js';
import { activeReader, readFollowing, waitUntilCaughtUp } from './following-reads.js';
import { runningSubscribers } from './generations.js';
import { inlineProjectionsHook } from './inline.js';
import { abandonRebuild, startRebuild, type AbandonedBuild } from './rebuild.js';
import type { Rebuild } from './rebuild-watcher.js';
import { reconcileAtStart } from './reconcile.js';
import { createRuntimeState } from './runtime-state.js';
import { startSyncing } from './sync.js';
import type { ViewReader } from './views.js';

/** What `createProjectionRuntime` needs: the store, the engine, and the projections it keeps. */
export interface ProjectionRuntimeOptions {
  /** Told when syncing with other processes fails (it is tried again on the next tick). */
  readonly onError?: (error: unknown) => void;
  readonly store: PostgresEventStore;
  readonly engine: SubscriptionEngine;
  readonly projections: readonly ProjectionDefinition[];
  /** How often each process re-reads which generations exist (others may promote). */
  readonly syncIntervalMs?: number;
}

/** Keeps every projection's read models in step with the log, and rebuilds them unseen. */
export interface ProjectionRuntime {
  /** Creates or resumes each projection's storage and subscribers (the engine runs them). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Builds `name` again from the start of the log in new storage, then switches to it. */
  rebuild(name: string): Promise<Rebuild>;
  /**
   * Gives up the build under way for `name`, whatever its version (after a rolled-back
   * deploy); `undefined` when none was. Queries keep reading the active generation.
   */
  abandonRebuild(name: string): Promise<AbandonedBuild | undefined>;
  /** The rebuild under way for `name`, if any (started here, elsewhere, or by a version bump). */
  currentRebuild(name: string): Rebuild | undefined;
  /** Reads of `name`'s active generation; `ProjectionNotReadyError` before its first build. */
  reader(name: string): ViewReader;
  /**
   * Runs `read`, which reads `names` through `reader`. When another process switched one of
   * them to a new generation and dropped the one this process still read, follows the switch
   * and runs `read` once more.
   */
  read<T>(names: readonly string[], read: () => Promise<T>): Promise<T>;
  /**
   * Waits until `name`'s active generation has applied everything up to `cursor` (first
   * waiting for its first build, if need be); false when `timeoutMs` passes first.
   */
  waitUntilCaughtUp(name: string, cursor: Cursor, timeoutMs: number): Promise<boolean>;
  /** The subscriber name of each generation of `name` that runs in this process. */
  subscribersOf(name: string): string[];
}

/**
 * A runtime for `projections`. Its parts share one `RuntimeState`: the generation state
 * machine (`reconcile.ts`, `rebuild.ts`, `promote.ts`, `generations.ts`), the subscriber of a
 * generation (`generation-subscriber.ts`), inline application (`inline.ts`), the query side
 * (`following-reads.ts`) and the sync timer (`sync.ts`).
 *
 * @example
 * const runtime = createProjectionRuntime({ store, engine, projections: [tasksProjection] });
 * await runtime.start();
 * engine.start();
 */
export function createProjectionRuntime(options: ProjectionRuntimeOptions): ProjectionRuntime {
  const { store, engine, syncIntervalMs = 1_000, onError = () => undefined } = options;
  const state = createRuntimeState(store, engine, options.projections);
  let stopSyncing: (() => void) | undefined;
  let removeInlineHook: (() => void) | undefined;

  return {
    async start() {
      state.stopped = false;
      await reconcileAtStart(state, onError);
      const inline = [...state.definitions.values()].filter(
        (definition) => definition.inline === true,
      );
      if (inline.length > 0) {
        removeInlineHook = store.addAppendHook(inlineProjectionsHook(inline));
      }
      stopSyncing = startSyncing(state, syncIntervalMs, onError);
    },
    async stop() {
      state.stopped = true;
      stopSyncing?.();
      removeInlineHook?.();
      await Promise.all(
        [...state.rebuilds.values()].map((rebuild) => rebuild.done.catch(() => undefined)),
      );
    },
    rebuild: (name) => startRebuild(state, name),
    abandonRebuild: (name) => abandonRebuild(state, name),
    currentRebuild: (name) => state.rebuilds.get(name),
    reader: (name) => activeReader(state, name),
    read: (names, read) => readFollowing(state, names, read),
    waitUntilCaughtUp: (name, cursor, timeoutMs) =>
      waitUntilCaughtUp(state, name, cursor, timeoutMs),
    subscribersOf: (name) => runningSubscribers(state, name),
  };
}
