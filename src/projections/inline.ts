import type {
  AppendHook,
  AppendResult,
  SqlExecutor,
  TransactionalEventStore,
} from '../store/index.js';
import { applyEvents } from './apply-events.js';
import type { ProjectionDefinition } from './define.js';
import { projectionSubscriber } from './generation.js';
import { lockGeneration } from './postgres/generation-lock.js';
import { appliedBefore, markInlineApplied } from './postgres/inline-marks.js';
import { shareProjectionRow, storageOf } from './postgres/storage.js';
import type { Storage } from './views.js';

/**
 * The active generation `definition` may write inline in this transaction, locked: its row
 * share-locked (no switch or drop until commit) and its writers' lock taken. `undefined` when
 * there is none, or when it was built by another version of the handlers (a rolling deploy):
 * then it is not this code's to write.
 */
async function claimActiveGeneration(
  sql: SqlExecutor,
  definition: ProjectionDefinition,
): Promise<{ storage: Storage; subscriber: string } | undefined> {
  const row = await shareProjectionRow(sql, definition.name);
  if (row?.active_generation == null || row.active_version !== definition.version) return;
  const storage = storageOf(definition, row.active_generation);
  await lockGeneration(sql, storage);
  return { storage, subscriber: projectionSubscriber(definition.name, storage.generation) };
}

/**
 * The append hook of inline projections: applies appended events to each one's active
 * generation in the append's transaction and marks them, so the generation's subscriber skips
 * them. It resolves the generation in the transaction, so it never writes one that another
 * process has switched away from or dropped. It applies only when the generation has applied
 * the stream's earlier events (they may come from a process without the projection, or
 * precede a rebuild's switch); otherwise the subscriber applies the events, in order.
 */
export function inlineProjectionsHook(definitions: readonly ProjectionDefinition[]): AppendHook {
  // Projections are locked one after another in name order, the same order in every process.
  const ordered = [...definitions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const types = new Set(definitions.flatMap((definition) => Object.keys(definition.handlers)));
  return {
    wants: (appended) => appended.some((type) => types.has(type)),
    async afterAppend(tx: TransactionalEventStore, appended: AppendResult, events) {
      for (const definition of ordered) {
        const relevant = events.filter((event) => event.type in definition.handlers);
        const earliest = relevant[0];
        if (earliest === undefined) continue;
        const target = await claimActiveGeneration(tx.sql, definition);
        if (target === undefined) continue;
        const inOrder = await appliedBefore(
          tx.sql,
          target.subscriber,
          appended.streamId,
          earliest.streamVersion,
          Object.keys(definition.handlers),
        );
        if (!inOrder) continue;
        await applyEvents(tx.sql, definition, target.storage, relevant);
        await markInlineApplied(tx.sql, target.subscriber, relevant);
      }
    },
  };
}
