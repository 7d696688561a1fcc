import type { PostgresEventStore } from '../store/index.js';
import type { SubscriptionEngine } from '../subscriptions/index.js';
import type { ProjectionDefinition } from './define.js';
import { UnknownProjectionError } from './errors.js';
import type { Rebuild } from './rebuild-watcher.js';
import type { Storage } from './views.js';

/**
 * What the parts of a projection runtime share: the store and engine they work through, the
 * projections it keeps, and what this process knows of their generations. Passed explicitly
 * to each part so each step can be read (and tested) on its own.
 */
export interface RuntimeState {
  readonly store: PostgresEventStore;
  readonly engine: SubscriptionEngine;
  readonly definitions: ReadonlyMap<string, ProjectionDefinition>;
  /** Generation each projection's queries read. */
  readonly active: Map<string, Storage>;
  /** Generations with a subscriber registered in this process. */
  readonly running: Map<string, Set<number>>;
  /** The rebuild this process watches, per projection. */
  readonly rebuilds: Map<string, Rebuild>;
  /** Generations switched away from whose storage is still to be dropped. */
  readonly retiring: Map<string, { readonly projection: string; readonly generation: number }>;
  /** Set by `stop`: rebuild watchers and the sync timer end. */
  stopped: boolean;
}

/** A runtime state that knows nothing yet of any generation. */
export function createRuntimeState(
  store: PostgresEventStore,
  engine: SubscriptionEngine,
  projections: readonly ProjectionDefinition[],
): RuntimeState {
  return {
    store,
    engine,
    definitions: new Map(projections.map((definition) => [definition.name, definition])),
    active: new Map(),
    running: new Map(),
    rebuilds: new Map(),
    retiring: new Map(),
    stopped: false,
  };
}

/** The definition of `name`; `UnknownProjectionError` when the runtime does not keep it. */
export function definitionOf(state: RuntimeState, name: string): ProjectionDefinition {
  const definition = state.definitions.get(name);
  if (definition === undefined) throw new UnknownProjectionError(name);
  return definition;
}
