import { forgetSubscriber, tryLeaseSubscriber } from '../subscriptions/index.js';
import type { ProjectionDefinition } from './define.js';
import { generationSubscriber, versionOf } from './generation-subscriber.js';
import { projectionSubscriber } from './generation.js';
import { forgetInlineMarks } from './postgres/inline-marks.js';
import { dropStorage, lockProjectionRow, storageOf } from './postgres/storage.js';
import { definitionOf, type RuntimeState } from './runtime-state.js';

const retiringKey = (projection: string, generation: number): string =>
  `${projection}\u0000${generation}`;

/** Registers the subscriber of a generation with the engine, once per process. */
export function run(
  state: RuntimeState,
  definition: ProjectionDefinition,
  generation: number,
): void {
  const generations = state.running.get(definition.name) ?? new Set<number>();
  state.running.set(definition.name, generations);
  if (generations.has(generation)) return;
  generations.add(generation);
  state.engine.add(generationSubscriber(definition, storageOf(definition, generation)));
}

/**
 * Stops a generation here and, once no process runs it (its lease is free), drops its
 * storage, checkpoint and parked events. Tried again on each sync until it succeeds.
 */
export async function retire(
  state: RuntimeState,
  definition: ProjectionDefinition,
  generation: number,
): Promise<void> {
  const { engine, store, running, retiring } = state;
  const subscriber = projectionSubscriber(definition.name, generation);
  if (running.get(definition.name)?.delete(generation) === true) await engine.remove(subscriber);
  const key = retiringKey(definition.name, generation);
  const lease = await tryLeaseSubscriber(store.driver, subscriber);
  if (lease === undefined) {
    retiring.set(key, { projection: definition.name, generation });
    return;
  }
  try {
    await store.driver.transaction(async (tx) => {
      // Appends resolve the generation they write under a share lock on this row: once it
      // is locked here, none writes the retired generation any more.
      const row = await lockProjectionRow(tx, definition.name);
      if (versionOf(row, generation) !== undefined) return;
      await dropStorage(tx, storageOf(definition, generation));
      await forgetSubscriber(tx, subscriber);
      await forgetInlineMarks(tx, subscriber);
    });
    retiring.delete(key);
  } finally {
    await lease.release();
  }
}

/** Tries again to drop the generations whose drop waited for another process to let go. */
export async function retirePending(state: RuntimeState): Promise<void> {
  for (const { projection, generation } of [...state.retiring.values()]) {
    await retire(state, definitionOf(state, projection), generation);
  }
}

/** The subscriber name of each generation of `name` that runs in this process. */
export function runningSubscribers(state: RuntimeState, name: string): string[] {
  return [...(state.running.get(name) ?? [])].map((generation) =>
    projectionSubscriber(name, generation),
  );
}
