import { ProjectionSupersededError } from './errors.js';
import { retire, run } from './generations.js';
import {
  createStorage,
  lockProjectionRow,
  startBuilding,
  stopBuilding,
  storageOf,
} from './postgres/storage.js';
import { watch } from './promote.js';
import type { Rebuild } from './rebuild-watcher.js';
import { definitionOf, type RuntimeState } from './runtime-state.js';

/**
 * Builds `name` again from the start of the log in new storage, then switches to it. Joins a
 * build of this version already under way; abandons one of an older version.
 */
export async function startRebuild(state: RuntimeState, name: string): Promise<Rebuild> {
  const definition = definitionOf(state, name);
  const existing = state.rebuilds.get(name);
  if (existing !== undefined) return existing;
  const { version } = definition;
  const abandoned: number[] = [];
  const generation = await state.store.driver.transaction(async (tx) => {
    const row = await lockProjectionRow(tx, name);
    const newest = Math.max(row.active_version ?? 0, row.building_version ?? 0);
    if (newest > version) throw new ProjectionSupersededError(name, version, newest);
    if (row.building_generation !== null && row.building_version === version) {
      return row.building_generation;
    }
    if (row.building_generation !== null) abandoned.push(row.building_generation);
    const next = await startBuilding(tx, row, version);
    await createStorage(tx, definition, storageOf(definition, next));
    return next;
  });
  for (const old of abandoned) await retire(state, definition, old);
  run(state, definition, generation);
  return state.rebuilds.get(name) ?? watch(state, definition, generation);
}

/** A build given up by `abandonRebuild`. */
export interface AbandonedBuild {
  readonly generation: number;
  readonly version: number;
}

/**
 * Gives up the build under way for `name`, whatever its version: for an operator after a
 * rolled-back deploy left a newer version half-built, which older processes only read and
 * never replace. Queries keep reading the active generation. The build's storage is dropped
 * once no process runs its subscriber; a process of that version still running starts a new
 * build at its next sync. `undefined` when nothing was being built.
 */
export async function abandonRebuild(
  state: RuntimeState,
  name: string,
): Promise<AbandonedBuild | undefined> {
  const definition = definitionOf(state, name);
  const abandoned = await state.store.driver.transaction(async (tx) => {
    const row = await lockProjectionRow(tx, name);
    if (row.building_generation === null) return undefined;
    await stopBuilding(tx, name);
    return { generation: row.building_generation, version: row.building_version ?? 0 };
  });
  if (abandoned !== undefined) await retire(state, definition, abandoned.generation);
  return abandoned;
}
