import type { SubscriberDefinition } from '../subscriptions/index.js';
import type { ProjectionDefinition } from './define.js';
import { filterOf, projectionSubscriber } from './generation.js';
import { applyEvents } from './apply-events.js';
import { lockGeneration } from './postgres/generation-lock.js';
import { withoutInlineApplied } from './postgres/inline-marks.js';
import { shareProjectionRow, type ProjectionRow } from './postgres/storage.js';
import type { Storage } from './views.js';

/** Events per subscriber batch when a projection does not say. */
export const DEFAULT_BATCH_SIZE = 500;

/** The version a generation of `row` was built with, if the row still names it. */
export function versionOf(row: ProjectionRow, generation: number): number | undefined {
  if (row.active_generation === generation) return row.active_version ?? undefined;
  if (row.building_generation === generation) return row.building_version ?? undefined;
  return undefined;
}

/**
 * The subscriber that fills one generation of a projection: it applies each batch to the
 * generation's storage in the batch's transaction, and skips batches once the generation has
 * been switched away from.
 */
export function generationSubscriber(
  definition: ProjectionDefinition,
  storage: Storage,
): SubscriberDefinition {
  return {
    name: projectionSubscriber(definition.name, storage.generation),
    filter: filterOf(definition),
    transactional: true,
    batchSize: definition.batchSize ?? DEFAULT_BATCH_SIZE,
    ...(definition.retry === undefined ? {} : { retry: definition.retry }),
    ...(definition.onPoisonEvent === undefined ? {} : { onPoisonEvent: definition.onPoisonEvent }),
    async handle(events, { sql, subscriber }) {
      if (sql === undefined) throw new Error('projection subscribers run in a transaction');
      // A generation another process switched away from may be dropped already: there is
      // nothing left to write (this process stops its subscriber at its next sync). The
      // share lock keeps it from being dropped while this batch writes.
      const row = await shareProjectionRow(sql, definition.name);
      if (row === undefined || versionOf(row, storage.generation) === undefined) return;
      let pending = events;
      if (definition.inline === true) {
        // Inline appends write the same documents: one writer at a time (see the lock).
        await lockGeneration(sql, storage);
        pending = await withoutInlineApplied(sql, subscriber, events);
      }
      await applyEvents(sql, definition, storage, pending);
    },
  };
}
