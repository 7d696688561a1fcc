import type { Cursor, EventFilter, PostgresEventStore } from '../store/index.js';
import type { SubscriberDefinition, SubscriptionEngine } from '../subscriptions/index.js';
import type { ProjectionDefinition } from './define.js';
import { ProjectionNotReadyError, UnknownProjectionError } from './errors.js';
import {
  createStorage,
  dropStorage,
  lockProjectionRow,
  promoteBuilding,
  startBuilding,
  storageOf,
} from './postgres/storage.js';
import { applyEvents, inlineProjectionsHook, withoutInlineApplied } from './inline.js';
import { watchRebuild, type Rebuild } from './rebuild-watcher.js';
import { viewsOf, type Storage, type ViewReader } from './views.js';

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
  /** The rebuild under way for `name`, if any (started here, elsewhere, or by a version bump). */
  currentRebuild(name: string): Rebuild | undefined;
  /** Reads of `name`'s active generation; `ProjectionNotReadyError` before its first build. */
  reader(name: string): ViewReader;
  /**
   * Waits until `name`'s active generation has applied everything up to `cursor` (first
   * waiting for its first build, if need be); false when `timeoutMs` passes first.
   */
  waitUntilCaughtUp(name: string, cursor: Cursor, timeoutMs: number): Promise<boolean>;
  /** The subscriber name of each generation of `name` that runs in this process. */
  subscribersOf(name: string): string[];
}

const DEFAULT_BATCH_SIZE = 500;
/** How often a query waiting for a projection's first build looks again. */
const FIRST_BUILD_CHECK_MS = 25;

/** The name of the subscriber that fills generation `generation` of `projection`. */
export function projectionSubscriber(projection: string, generation: number): string {
  return `projection:${projection}:g${generation}`;
}

function filterOf(definition: ProjectionDefinition): EventFilter {
  return { types: Object.keys(definition.handlers) };
}

export function createProjectionRuntime(options: ProjectionRuntimeOptions): ProjectionRuntime {
  const { store, engine, syncIntervalMs = 1_000, onError = () => undefined } = options;
  const driver = store.driver;
  const definitions = new Map(
    options.projections.map((definition) => [definition.name, definition]),
  );
  /** Generation each projection's queries read. */
  const active = new Map<string, Storage>();
  /** Projections whose active generation was built by this code's version (inline may write). */
  const activeIsCurrent = new Set<string>();
  /** Generations with a subscriber registered in this process. */
  const running = new Map<string, Set<number>>();
  const rebuilds = new Map<string, Rebuild>();
  const retiring = new Set<string>();
  let syncTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let removeInlineHook: (() => void) | undefined;

  function definitionOf(name: string): ProjectionDefinition {
    const definition = definitions.get(name);
    if (definition === undefined) throw new UnknownProjectionError(name);
    return definition;
  }

  function subscriberFor(definition: ProjectionDefinition, storage: Storage): SubscriberDefinition {
    return {
      name: projectionSubscriber(definition.name, storage.generation),
      filter: filterOf(definition),
      transactional: true,
      batchSize: definition.batchSize ?? DEFAULT_BATCH_SIZE,
      ...(definition.retry === undefined ? {} : { retry: definition.retry }),
      ...(definition.onPoisonEvent === undefined
        ? {}
        : { onPoisonEvent: definition.onPoisonEvent }),
      async handle(events, { sql, subscriber }) {
        if (sql === undefined) throw new Error('projection subscribers run in a transaction');
        const pending =
          definition.inline === true ? await withoutInlineApplied(sql, subscriber, events) : events;
        await applyEvents(sql, definition, storage, pending);
      },
    };
  }

  function run(definition: ProjectionDefinition, generation: number): void {
    const generations = running.get(definition.name) ?? new Set<number>();
    running.set(definition.name, generations);
    if (generations.has(generation)) return;
    generations.add(generation);
    engine.add(subscriberFor(definition, storageOf(definition, generation)));
  }

  /**
   * Stops a generation here and, once no process runs it (its lease is free), drops its
   * storage, checkpoint and parked events. Tried again on each sync until it succeeds.
   */
  async function retire(definition: ProjectionDefinition, generation: number): Promise<void> {
    const subscriber = projectionSubscriber(definition.name, generation);
    if (running.get(definition.name)?.delete(generation) === true) await engine.remove(subscriber);
    const lease = await driver.tryLease(`subscriber:${subscriber}`);
    if (lease === undefined) {
      retiring.add(`${definition.name}\u0000${generation}`);
      return;
    }
    try {
      await driver.transaction(async (tx) => {
        await dropStorage(tx, storageOf(definition, generation));
        await tx.query('DELETE FROM checkpoints WHERE subscriber = $1', [subscriber]);
        await tx.query('DELETE FROM parked_events WHERE subscriber = $1', [subscriber]);
        await tx.query('DELETE FROM inline_applied WHERE subscriber = $1', [subscriber]);
      });
      retiring.delete(`${definition.name}\u0000${generation}`);
    } finally {
      await lease.release();
    }
  }

  /** Brings this process in line with the projection's row, creating what is missing. */
  async function reconcile(definition: ProjectionDefinition): Promise<void> {
    const abandoned: number[] = [];
    // With nothing in the log for it, a first build is complete the moment it exists.
    const nothingToBuild = (await store.backlog(undefined, filterOf(definition))).events === 0;
    const row = await driver.transaction(async (tx) => {
      const current = await lockProjectionRow(tx, definition.name);
      let building = current.building_generation;
      if (building !== null && current.building_version !== definition.version) {
        abandoned.push(building);
        building = null;
        await tx.query(
          'UPDATE projections SET building_generation = NULL, building_version = NULL WHERE name = $1',
          [definition.name],
        );
      }
      if (current.active_version !== definition.version && building === null) {
        building = await startBuilding(tx, current, definition.version);
        await createStorage(tx, definition, storageOf(definition, building));
        if (current.active_generation === null && nothingToBuild) {
          await promoteBuilding(tx, definition.name, building);
          return {
            ...current,
            active_generation: building,
            active_version: definition.version,
            building_generation: null,
          };
        }
      }
      return { ...current, building_generation: building };
    });
    for (const generation of abandoned) await retire(definition, generation);

    const { active_generation: activeGeneration, active_version: activeVersion } = row;
    if (activeGeneration !== null) {
      const previous = active.get(definition.name);
      active.set(definition.name, storageOf(definition, activeGeneration));
      if (previous !== undefined && previous.generation !== activeGeneration) {
        await retire(definition, previous.generation);
      }
      // An active generation of another version has no handlers here: it serves reads only.
      if (activeVersion === definition.version) {
        activeIsCurrent.add(definition.name);
        run(definition, activeGeneration);
      } else {
        activeIsCurrent.delete(definition.name);
      }
    }
    if (row.building_generation !== null) {
      run(definition, row.building_generation);
      if (!rebuilds.has(definition.name)) watch(definition, row.building_generation);
    }
  }

  /** Tracks a building generation and promotes it once it has caught up with the log. */
  function watch(definition: ProjectionDefinition, generation: number): Rebuild {
    const rebuild = watchRebuild({
      store,
      engine,
      projection: definition.name,
      generation,
      subscriber: projectionSubscriber(definition.name, generation),
      filter: filterOf(definition),
      batchSize: definition.batchSize ?? DEFAULT_BATCH_SIZE,
      stopped: () => stopped,
      async promote() {
        const promoted = await driver.transaction((tx) =>
          promoteBuilding(tx, definition.name, generation),
        );
        if (promoted !== undefined) {
          active.set(definition.name, storageOf(definition, generation));
          activeIsCurrent.add(definition.name);
          if (promoted.replaced !== null) await retire(definition, promoted.replaced);
        }
        rebuilds.delete(definition.name);
      },
    });
    rebuilds.set(definition.name, rebuild);
    return rebuild;
  }

  /** Follows changes other processes made: promotions, rebuilds; finishes pending drops. */
  async function sync(): Promise<void> {
    for (const definition of definitions.values()) await reconcile(definition);
    for (const key of [...retiring]) {
      const [name, generation] = key.split('\u0000');
      await retire(definitionOf(name ?? ''), Number(generation));
    }
  }

  return {
    async start() {
      stopped = false;
      for (const definition of definitions.values()) await reconcile(definition);
      const inline = [...definitions.values()].filter((definition) => definition.inline === true);
      if (inline.length > 0) {
        removeInlineHook = store.addAppendHook(
          inlineProjectionsHook(inline, (definition) => {
            const storage = active.get(definition.name);
            // During a version bump the old generation is not this code's to write.
            return storage === undefined || !activeIsCurrent.has(definition.name)
              ? undefined
              : { storage, subscriber: projectionSubscriber(definition.name, storage.generation) };
          }),
        );
      }
      const tick = () => {
        syncTimer = setTimeout(() => {
          sync()
            .catch(onError)
            .finally(() => {
              if (!stopped) tick();
            });
        }, syncIntervalMs);
        syncTimer.unref();
      };
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(syncTimer);
      removeInlineHook?.();
      await Promise.all(
        [...rebuilds.values()].map((rebuild) => rebuild.done.catch(() => undefined)),
      );
    },
    async rebuild(name) {
      const definition = definitionOf(name);
      const existing = rebuilds.get(name);
      if (existing !== undefined) return existing;
      const generation = await driver.transaction(async (tx) => {
        const row = await lockProjectionRow(tx, name);
        if (row.building_generation !== null) return row.building_generation;
        const next = await startBuilding(tx, row, definition.version);
        await createStorage(tx, definition, storageOf(definition, next));
        return next;
      });
      run(definition, generation);
      return rebuilds.get(name) ?? watch(definition, generation);
    },
    currentRebuild: (name) => rebuilds.get(name),
    reader(name) {
      definitionOf(name);
      const storage = active.get(name);
      if (storage === undefined) throw new ProjectionNotReadyError(name);
      return viewsOf(driver, storage);
    },
    async waitUntilCaughtUp(name, cursor, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let storage = active.get(name);
      // A projection's first build must finish before there is anything to read.
      while (storage === undefined) {
        definitionOf(name);
        if (Date.now() >= deadline) return false;
        await new Promise((settle) => setTimeout(settle, FIRST_BUILD_CHECK_MS));
        storage = active.get(name);
      }
      const subscriber = projectionSubscriber(name, storage.generation);
      const remaining = Math.max(0, deadline - Date.now());
      return engine.waitUntilCaughtUp(subscriber, cursor, remaining, filterOf(definitionOf(name)));
    },
    subscribersOf(name) {
      return [...(running.get(name) ?? [])].map((generation) =>
        projectionSubscriber(name, generation),
      );
    },
  };
}
