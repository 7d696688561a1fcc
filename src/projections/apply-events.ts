import type { SqlExecutor, StoredEvent } from '../store/index.js';
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
