import { compareCursors, type Cursor } from '../store/index.js';
import type { ProjectionDefinition } from './define.js';
import { DEFAULT_BATCH_SIZE } from './generation-subscriber.js';
import { filterOf, projectionSubscriber } from './generation.js';
import { retire } from './generations.js';
import { readStoredCheckpoint } from '../subscriptions/index.js';
import { reachOf, visibleHead } from './postgres/promotion.js';
import { lockProjectionRow, promoteBuilding, storageOf } from './postgres/storage.js';
import { watchRebuild, type PromoteOutcome, type Rebuild } from './rebuild-watcher.js';
import type { RuntimeState } from './runtime-state.js';

type Promotion = { kind: 'gone' | 'behind' } | { kind: 'promoted'; replaced: number | null };

/** The later of two cursors. */
function latest(a: Cursor | undefined, b: Cursor | undefined): Cursor | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return compareCursors(a, b) >= 0 ? a : b;
}

/** Switches the row to `generation` if it has reached `builtFrom` and the active reach. */
function promoteIfCaughtUp(
  state: RuntimeState,
  definition: ProjectionDefinition,
  generation: number,
  builtFrom: Cursor | undefined,
): Promise<Promotion> {
  return state.store.transaction(async (tx): Promise<Promotion> => {
    const row = await lockProjectionRow(tx.sql, definition.name);
    if (row.building_generation !== generation) return { kind: 'gone' };
    const subscriber = projectionSubscriber(definition.name, generation);
    const served =
      row.active_generation === null
        ? undefined
        : await reachOf(tx.sql, projectionSubscriber(definition.name, row.active_generation));
    const target = latest(builtFrom, served);
    if (target !== undefined) {
      const readTo = (await readStoredCheckpoint(tx.sql, subscriber))?.readTo;
      if (readTo === undefined) return { kind: 'behind' };
      if (compareCursors(readTo, target) < 0) {
        // Counted from how far it has read, not from its last match: cheap for rare filters.
        // Measured with this generation's filter: a new version may read other event types.
        const behind = await tx.backlog(readTo, filterOf(definition), target);
        if (behind.events > 0) return { kind: 'behind' };
      }
    }
    const promoted = await promoteBuilding(tx.sql, definition.name, generation);
    return promoted === undefined
      ? { kind: 'gone' }
      : { kind: 'promoted', replaced: promoted.replaced };
  });
}

/**
 * Switches queries to a building generation if it has reached everything they read now: the
 * active generation's checkpoint and its inline writes, and the log's head when the build
 * began. Holding the row locked for update keeps that reach still while it is measured and
 * the switch commits: inline appends and every generation's subscriber batches share-lock
 * the row before they write, so they wait (and the ones under way finished first).
 */
export async function promote(
  state: RuntimeState,
  definition: ProjectionDefinition,
  generation: number,
  floor: Promise<Cursor | undefined>,
): Promise<PromoteOutcome> {
  const outcome = await promoteIfCaughtUp(state, definition, generation, await floor);
  if (outcome.kind === 'promoted') {
    state.active.set(definition.name, storageOf(definition, generation));
    if (outcome.replaced !== null) await retire(state, definition, outcome.replaced);
  }
  if (outcome.kind !== 'behind') state.rebuilds.delete(definition.name);
  return outcome.kind;
}

/** Tracks a building generation and promotes it once it has caught up with the log. */
export function watch(
  state: RuntimeState,
  definition: ProjectionDefinition,
  generation: number,
): Rebuild {
  // What the log held when this process began watching: the build must get at least there.
  const floor = visibleHead(state.store.driver);
  floor.catch(() => undefined);
  const rebuild = watchRebuild({
    store: state.store,
    engine: state.engine,
    projection: definition.name,
    generation,
    subscriber: projectionSubscriber(definition.name, generation),
    filter: filterOf(definition),
    batchSize: definition.batchSize ?? DEFAULT_BATCH_SIZE,
    stopped: () => state.stopped,
    promote: () => promote(state, definition, generation, floor),
  });
  state.rebuilds.set(definition.name, rebuild);
  return rebuild;
}
