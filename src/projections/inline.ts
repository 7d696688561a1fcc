import type {
  AppendHook,
  AppendResult,
  SqlExecutor,
  StoredEvent,
  TransactionalEventStore,
} from '../store/index.js';
import { batchViewsOf } from './batch-views.js';
import type { ProjectionDefinition, ProjectionHandler } from './define.js';
import type { Storage } from './views.js';

/** Applies `events` to `storage` with `definition`'s handlers through one batch buffer. */
export async function applyEvents(
  sql: SqlExecutor,
  definition: ProjectionDefinition,
  storage: Storage,
  events: readonly StoredEvent[],
): Promise<void> {
  const views = batchViewsOf(sql, storage);
  for (const event of events) {
    const handler = definition.handlers[event.type] as ProjectionHandler | undefined;
    if (handler !== undefined) await handler(event, views);
  }
  await views.flush();
}

/**
 * The append hook of inline projections: applies appended events to each one's active
 * generation in the append's transaction and marks them, so the generation's subscriber skips
 * them. `target` names the active generation (and its subscriber) as this process knows it.
 */
export function inlineProjectionsHook(
  definitions: readonly ProjectionDefinition[],
  target: (
    definition: ProjectionDefinition,
  ) => { storage: Storage; subscriber: string } | undefined,
): AppendHook {
  const types = new Set(definitions.flatMap((definition) => Object.keys(definition.handlers)));
  return {
    wants: (appended) => appended.some((type) => types.has(type)),
    async afterAppend(tx: TransactionalEventStore, appended: AppendResult) {
      const first = appended.events[0];
      const last = appended.events.at(-1);
      if (first === undefined || last === undefined) return;
      const events = await tx.readStream(appended.streamId, {
        from: first.streamVersion,
        to: last.streamVersion,
      });
      for (const definition of definitions) {
        const relevant = events.filter((event) => event.type in definition.handlers);
        const active = target(definition);
        if (relevant.length === 0 || active === undefined) continue;
        await applyEvents(tx.sql, definition, active.storage, relevant);
        await tx.sql.query(
          `INSERT INTO inline_applied (subscriber, global_position)
           SELECT $1, unnest($2::bigint[])`,
          [active.subscriber, relevant.map((event) => event.globalPosition)],
          'strata_mark_inline',
        );
      }
    },
  };
}

/** The events of a batch not applied inline already; forgets their marks. */
export async function withoutInlineApplied(
  sql: SqlExecutor,
  subscriber: string,
  events: readonly StoredEvent[],
): Promise<StoredEvent[]> {
  const rows = await sql.query<{ global_position: number }>(
    `DELETE FROM inline_applied WHERE subscriber = $1 AND global_position = ANY($2::bigint[])
     RETURNING global_position`,
    [subscriber, events.map((event) => event.globalPosition)],
    'strata_take_inline_marks',
  );
  const applied = new Set(rows.map((row) => row.global_position));
  return events.filter((event) => !applied.has(event.globalPosition));
}
