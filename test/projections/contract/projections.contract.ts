import { describe, expect, it } from 'vitest';

import { InvalidViewQueryError, ProjectionNotReadyError } from '../../../src/projections/index.js';
import type { Cursor, EventStore } from '../../../src/store/index.js';
import {
  getSummaryQuery,
  startReadSide,
  summaryProjection,
  trackReadSides,
  uniqueSuffix,
  type ListSummary,
} from '../../support/task-list-read-side.js';
import { readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';

/** Appends a list with `tasks` tasks, `done` of them completed; returns the last cursor. */
export async function appendList(store: EventStore, listId: string, tasks: number, done = 0) {
  const streamId = `tasklist-${listId}`;
  await store.appendToStream(streamId, [
    { type: 'tasks.TaskListOpened', data: { listId, name: `List ${listId}`, openedAt: 'now' } },
  ]);
  let last;
  for (let index = 0; index < tasks; index++) {
    last = await store.appendToStream(streamId, [
      {
        type: 'tasks.TaskAdded',
        data: { listId, taskId: `${listId}-${index}`, title: `task ${index}` },
      },
      ...(index < done
        ? [{ type: 'tasks.TaskCompleted', data: { listId, taskId: `${listId}-${index}` } }]
        : []),
    ]);
  }
  return last?.cursor;
}

export function projectionsContract(db: () => TestDatabase): void {
  describe('projections', () => {
    const running = trackReadSides();
    const start = async (
      ...args: Parameters<typeof startReadSide> extends [unknown, ...infer Rest] ? Rest : never
    ) => {
      const side = await startReadSide(db(), ...args);
      running.push(side);
      return side;
    };

    it('applies events to documents and its own tables, readable through a query', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await start([summaryProjection(name)], [query]);
      const listId = crypto.randomUUID();
      const cursor = await appendList(side.store, listId, 3, 2);
      const summary = await side.runner.run(query.name, { listId }, { minPosition: cursor! });
      expect(summary).toEqual({ listId, name: `List ${listId}`, tasks: 3, done: 2, applied: 6 });

      const views = side.runtime.reader(name);
      const rows = await views.sql.query<{ title: string }>(
        `SELECT title FROM ${views.table('tasks')} WHERE list_id = $1 ORDER BY task_id`,
        [listId],
      );
      expect(rows.map((row) => row.title)).toEqual(['task 0', 'task 1', 'task 2']);
    });

    it('finds documents by field, ordered and paged, and counts them', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const side = await start([summaryProjection(name)]);
      const batch = `batch${uniqueSuffix()}`;
      let cursor: Cursor | undefined;
      for (const [suffix, tasks] of [
        ['a', 2],
        ['b', 5],
        ['c', 1],
        ['d', 5],
      ] as const) {
        cursor = await appendList(side.store, `${batch}-${suffix}`, tasks);
      }
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      const lists = side.runtime.reader(name).collection<ListSummary>('lists');
      const fiveTasks = await lists.find({
        where: { tasks: 5 },
        orderBy: { field: 'listId', direction: 'desc' },
      });
      expect(fiveTasks.map((list) => list.listId)).toEqual([`${batch}-d`, `${batch}-b`]);
      expect(await lists.count({ tasks: 5, name: `List ${batch}-b` })).toBe(1);
      const page = await lists.find({
        where: { done: 0 },
        orderBy: [{ field: 'tasks' }, { field: 'listId' }],
        limit: 2,
      });
      expect(page).toHaveLength(2);
      expect(page[0]!.tasks).toBeLessThanOrEqual(page[1]!.tasks);
      await expect(lists.find({ orderBy: { field: 'bad field; DROP' } })).rejects.toBeInstanceOf(
        InvalidViewQueryError,
      );
      await expect(lists.find({ limit: 5000 })).rejects.toBeInstanceOf(InvalidViewQueryError);
    });

    it('keeps a read model equal to an independent fold under concurrent writers', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const side = await start([summaryProjection(name)]);
      const lists = Array.from({ length: 8 }, () => crypto.randomUUID());
      const expected = new Map(lists.map((listId) => [listId, { tasks: 0, done: 0 }]));
      await Promise.all(lists.map((listId) => appendList(side.store, listId, 0)));
      await Promise.all(
        lists.map(async (listId, writer) => {
          for (let index = 0; index < 25; index++) {
            const complete = (index + writer) % 3 === 0;
            await side.store.appendToStream(`tasklist-${listId}`, [
              {
                type: 'tasks.TaskAdded',
                data: { listId, taskId: `${listId}-${index}`, title: 't' },
              },
              ...(complete
                ? [{ type: 'tasks.TaskCompleted', data: { listId, taskId: `${listId}-${index}` } }]
                : []),
            ]);
            const counts = expected.get(listId)!;
            counts.tasks++;
            if (complete) counts.done++;
          }
        }),
      );
      const end = await side.store.appendToStream(`tasklist-${lists[0]}`, []);
      const [last] = await side.store.readStream(`tasklist-${lists[0]}`, {
        direction: 'backward',
        limit: 1,
      });
      expect(end.streamVersion).toBe(last!.streamVersion);
      for (const listId of lists) {
        const [head] = await side.store.readStream(`tasklist-${listId}`, {
          direction: 'backward',
          limit: 1,
        });
        expect(await side.runtime.waitUntilCaughtUp(name, head!.cursor, 15_000)).toBe(true);
      }
      const reader = side.runtime.reader(name).collection<ListSummary>('lists');
      for (const listId of lists) {
        const summary = await reader.get(listId);
        const counts = expected.get(listId)!;
        expect(summary).toMatchObject({
          tasks: counts.tasks,
          done: counts.done,
          applied: 1 + counts.tasks + counts.done,
        });
      }
    });

    it('applies every event exactly once when a batch crashes after some writes', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const crashed = new Set<string>();
      const projection = summaryProjection(name, {
        before(type, listId) {
          // Crash on each list's first TaskCompleted, once, after the batch already wrote.
          if (type === 'tasks.TaskCompleted' && !crashed.has(listId)) {
            crashed.add(listId);
            throw new Error('crash mid-batch');
          }
        },
      });
      const side = await start([projection]);
      const listId = crypto.randomUUID();
      const cursor = await appendList(side.store, listId, 6, 4);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      expect(crashed.has(listId)).toBe(true);
      const summary = await side.runtime.reader(name).collection<ListSummary>('lists').get(listId);
      expect(summary).toMatchObject({ tasks: 6, done: 4, applied: 11 });
      expect(await side.engine.parked.list()).toEqual([]);
    });

    it('parks an event it keeps failing on, lets other lists flow, and applies it once fixed', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const poisoned = new Set<string>();
      const projection = summaryProjection(name, {
        before(type, listId) {
          if (type === 'tasks.TaskAdded' && poisoned.has(listId))
            throw new Error(`poisoned ${listId}`);
        },
      });
      const side = await start([projection]);
      const [sick, healthy] = [crypto.randomUUID(), crypto.randomUUID()];
      poisoned.add(sick);
      await appendList(side.store, sick, 2);
      const cursor = await appendList(side.store, healthy, 2);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      const lists = side.runtime.reader(name).collection<ListSummary>('lists');
      expect(await lists.get(healthy)).toMatchObject({ tasks: 2 });
      expect(await lists.get(sick)).toMatchObject({ tasks: 0 });

      const [subscriber] = side.runtime.subscribersOf(name);
      const parked = await side.engine.parked.list({ subscriber: subscriber! });
      expect(parked.map((event) => event.status)).toEqual(['failed', 'blocked']);
      poisoned.clear();
      expect(await side.engine.parked.retry(subscriber!, parked[0]!.globalPosition)).toBe(
        'handled',
      );
      // The retried event is handled first; the one held behind it right after.
      expect(
        await readUntil(
          () => lists.get(sick),
          (summary) => summary?.tasks === 2,
        ),
      ).toMatchObject({ tasks: 2, applied: 3 });
    });

    it('answers not-ready until a new projection has finished its first build', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(side);
      await side.engine.stop();
      const listId = crypto.randomUUID();
      const cursor = await appendList(side.store, listId, 1);
      expect(() => side.runtime.reader(name)).toThrow(ProjectionNotReadyError);
      await expect(side.runner.run(query.name, { listId })).rejects.toBeInstanceOf(
        ProjectionNotReadyError,
      );

      side.engine.start();
      const summary = await readUntil(
        () =>
          side.runner.run(query.name, { listId }, { minPosition: cursor! }).catch(() => undefined),
        (found) => found !== undefined,
      );
      expect(summary).toMatchObject({ listId, tasks: 1 });
    });
  });
}
