import { isStoreUnavailable } from '../store/index.js';
import type { ProjectionDefinition } from './define.js';
import { versionOf } from './generation-subscriber.js';
import { filterOf } from './generation.js';
import { retire, run } from './generations.js';
import {
  createStorage,
  lockProjectionRow,
  promoteBuilding,
  readProjectionRow,
  startBuilding,
  stopBuilding,
  storageOf,
  type ProjectionRow,
} from './postgres/storage.js';
import { watch } from './promote.js';
import type { RuntimeState } from './runtime-state.js';

/** True when `definition` has no active generation yet and nothing in the log to build one. */
async function firstBuildIsEmpty(
  state: RuntimeState,
  definition: ProjectionDefinition,
): Promise<boolean> {
  const { store } = state;
  // With nothing in the log for it, a first build is complete the moment it exists. Counting
  // walks the whole log: only a projection with no active generation yet needs to know.
  const firstBuild =
    !state.active.has(definition.name) &&
    ((await readProjectionRow(store.driver, definition.name))?.active_generation ?? null) === null;
  return firstBuild && (await store.backlog(undefined, filterOf(definition))).events === 0;
}

/**
 * Updates the projection's row for this version: abandons an older version's build (its
 * generation is pushed to `abandoned`) and starts a build when no generation has this version
 * or a newer one. Returns the row as it now stands.
 */
function settleRow(
  state: RuntimeState,
  definition: ProjectionDefinition,
  nothingToBuild: boolean,
  abandoned: number[],
): Promise<ProjectionRow> {
  const { version } = definition;
  return state.store.driver.transaction(async (tx) => {
    const current = await lockProjectionRow(tx, definition.name);
    let building = current.building_generation;
    let buildingVersion = current.building_version;
    if (building !== null && (buildingVersion ?? 0) < version) {
      abandoned.push(building);
      building = null;
      buildingVersion = null;
      await stopBuilding(tx, definition.name);
    }
    const newest = Math.max(current.active_version ?? 0, buildingVersion ?? 0);
    if (newest < version) {
      building = await startBuilding(tx, current, version);
      buildingVersion = version;
      await createStorage(tx, definition, storageOf(definition, building));
      if (current.active_generation === null && nothingToBuild) {
        await promoteBuilding(tx, definition.name, building);
        return {
          ...current,
          active_generation: building,
          active_version: version,
          building_generation: null,
          building_version: null,
        };
      }
    }
    return { ...current, building_generation: building, building_version: buildingVersion };
  });
}

/** Reads, runs and watches here the generations `row` names; retires the ones it no longer does. */
async function followRow(
  state: RuntimeState,
  definition: ProjectionDefinition,
  row: ProjectionRow,
): Promise<void> {
  const { version } = definition;
  const { active_generation: activeGeneration, active_version: activeVersion } = row;
  if (activeGeneration !== null) {
    state.active.set(definition.name, storageOf(definition, activeGeneration));
    // An active generation of another version has no handlers here: it serves reads only.
    if (activeVersion === version) run(state, definition, activeGeneration);
  }
  // A newer version's build is its own processes' to run.
  if (row.building_generation !== null && row.building_version === version) {
    run(state, definition, row.building_generation);
    if (!state.rebuilds.has(definition.name)) watch(state, definition, row.building_generation);
  }
  // Generations switched away from (here or elsewhere) stop here, and are dropped.
  for (const generation of [...(state.running.get(definition.name) ?? [])]) {
    if (versionOf(row, generation) === undefined) await retire(state, definition, generation);
  }
}

/**
 * Brings this process in line with the projection's row, creating what is missing. The
 * highest version wins: a build of an older version is abandoned for this one, while a
 * newer active or building generation is left alone and read as it is (a rolling deploy).
 */
export async function reconcile(
  state: RuntimeState,
  definition: ProjectionDefinition,
): Promise<void> {
  const abandoned: number[] = [];
  const nothingToBuild = await firstBuildIsEmpty(state, definition);
  const row = await settleRow(state, definition, nothingToBuild, abandoned);
  for (const generation of abandoned) await retire(state, definition, generation);
  await followRow(state, definition, row);
}

/** Reads which generation is active now, for queries that found theirs dropped. */
export async function follow(state: RuntimeState, definition: ProjectionDefinition): Promise<void> {
  const row = await readProjectionRow(state.store.driver, definition.name);
  if (row?.active_generation == null) return;
  state.active.set(definition.name, storageOf(definition, row.active_generation));
}

/**
 * Reconciles every projection as the runtime starts; a projection the database refuses to
 * write for is read as recorded, and `onError` is told.
 */
export async function reconcileAtStart(
  state: RuntimeState,
  onError: (error: unknown) => void,
): Promise<void> {
  for (const definition of state.definitions.values()) {
    try {
      await reconcile(state, definition);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      // A database that refuses writes now: serve the recorded active generation; syncing
      // reconciles once it accepts writes again.
      onError(error);
      await follow(state, definition);
    }
  }
}
