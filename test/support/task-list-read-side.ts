import { Type } from 'typebox';
import { afterEach } from 'vitest';

import { createMessageRegistry } from '../../src/messages/index.js';
import {
  createProjectionRuntime,
  defineProjection,
  type ProjectionDefinition,
} from '../../src/projections/index.js';
import { createQueryRunner, defineQuery, type QueryDefinition } from '../../src/queries/index.js';
import type { PostgresEventStore } from '../../src/store/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { taskListRegistry, TaskAdded, TaskCompleted, TaskListOpened } from './task-list-domain.js';
import type { TestDatabase } from './test-database.js';

/** The read model of one task list, as the summary projection keeps it. */
export interface ListSummary extends Record<string, unknown> {
  readonly listId: string;
  readonly name: string;
  readonly tasks: number;
  readonly done: number;
  /** Events applied: a double application shows here. */
  readonly applied: number;
}

/**
 * A projection of task lists into summaries. Every handler reads, adds one and writes back, so
 * an event applied twice (or not at all) changes the numbers. `hooks.before` runs first.
 */
export function summaryProjection(
  name: string,
  hooks: {
    version?: number;
    /** Fields added to every summary this version writes. */
    stamp?: Record<string, unknown>;
    before?: (type: string, listId: string) => void;
  } = {},
): ProjectionDefinition {
  const bump = async (
    views: Parameters<NonNullable<ProjectionDefinition['handlers'][string]>>[1],
    listId: string,
    change: (summary: ListSummary) => Partial<ListSummary>,
  ) => {
    const lists = views.collection<ListSummary>('lists');
    const summary = await lists.get(listId);
    if (summary === undefined) throw new Error(`no list ${listId}`);
    await lists.upsert(listId, { ...summary, ...change(summary), applied: summary.applied + 1 });
  };
  return defineProjection({
    name,
    version: hooks.version ?? 1,
    events: [TaskListOpened, TaskAdded, TaskCompleted],
    tables: { tasks: 'task_id text PRIMARY KEY, list_id text NOT NULL, title text NOT NULL' },
    batchSize: 50,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    handlers: {
      'tasks.TaskListOpened': async (event, views) => {
        hooks.before?.(event.type, event.data.listId);
        await views.collection<ListSummary>('lists').insert(event.data.listId, {
          listId: event.data.listId,
          name: event.data.name,
          tasks: 0,
          done: 0,
          applied: 1,
          ...hooks.stamp,
        });
      },
      'tasks.TaskAdded': async (event, views) => {
        hooks.before?.(event.type, event.data.listId);
        await views.sql.query(
          `INSERT INTO ${views.table('tasks')} (task_id, list_id, title) VALUES ($1, $2, $3)`,
          [event.data.taskId, event.data.listId, event.data.title],
        );
        await bump(views, event.data.listId, (summary) => ({ tasks: summary.tasks + 1 }));
      },
      'tasks.TaskCompleted': async (event, views) => {
        hooks.before?.(event.type, event.data.listId);
        await bump(views, event.data.listId, (summary) => ({ done: summary.done + 1 }));
      },
    },
  });
}

/** The query that reads one summary from the projection named `projection`. */
export function getSummaryQuery(projection: string): QueryDefinition {
  return defineQuery({
    name: `tasks.GetSummary${projection.replaceAll(/[^a-z0-9]/g, '')}`,
    params: Type.Object({ listId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    result: Type.Object({
      listId: Type.String(),
      name: Type.String(),
      tasks: Type.Integer(),
      done: Type.Integer(),
      applied: Type.Integer(),
    }),
    projections: [projection],
    handler: (views, { listId }) =>
      views.of(projection).collection<ListSummary>('lists').get(listId),
  });
}

/** How a test read side differs from the default one. */
export interface ReadSideOptions {
  /** The store it appends to and reads (another driver stands for another process). */
  readonly store?: PostgresEventStore;
  /** How often it follows other processes' switches; default 200 ms. */
  readonly syncIntervalMs?: number;
  /** False for a process that appends and queries but runs no subscriber; default true. */
  readonly startEngine?: boolean;
}

/** A running read side over the test database: engine, projections and queries. */
export async function startReadSide(
  db: TestDatabase,
  projections: readonly ProjectionDefinition[],
  queries: readonly QueryDefinition[] = [],
  options: ReadSideOptions = {},
) {
  const store = options.store ?? (await db.openStore({ registry: taskListRegistry }));
  const engine = createSubscriptionEngine({ store, pollIntervalMs: 100, leaseRetryMs: 100 });
  const syncIntervalMs = options.syncIntervalMs ?? 200;
  const runtime = createProjectionRuntime({ store, engine, projections, syncIntervalMs });
  await runtime.start();
  if (options.startEngine !== false) engine.start();
  const registry = createMessageRegistry([...queries]);
  const runner = createQueryRunner({ store, registry, projections: runtime, queries });
  return {
    store,
    engine,
    runtime,
    runner,
    async stop() {
      await runtime.stop();
      await engine.stop();
    },
  };
}

/** A unique lower-case suffix for projection names. */
export const uniqueSuffix = (): string => crypto.randomUUID().replaceAll('-', '').slice(0, 10);

/** Read sides a test starts, stopped after each test. */
export function trackReadSides(): { stop(): Promise<void> }[] {
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((side) => side.stop()));
  });
  return running;
}
