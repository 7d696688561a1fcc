import { describe, expect, it } from 'vitest';

import { handleCommand } from '../../../src/domain/index.js';
import { defineProjection, type ProjectionDefinition } from '../../../src/projections/index.js';
import { compareCursors, type Cursor } from '../../../src/store/index.js';
import {
  taskListRegistry,
  taskListHandler,
  TaskListOpened,
} from '../../support/task-list-domain.js';
import {
  startReadSide,
  summaryProjection,
  trackReadSides,
  uniqueSuffix,
  type ListSummary,
} from '../../support/task-list-read-side.js';
import type { TestDatabase } from '../../support/test-database.js';
import { appendList } from './projections.contract.js';

const taskLists = taskListHandler;

const inline = (name: string): ProjectionDefinition => ({
  ...summaryProjection(name),
  inline: true,
});

/** An inline projection counting the lists opened with ids starting with `prefix`. */
const listCounter = (name: string, prefix: string): ProjectionDefinition =>
  defineProjection({
    name,
    version: 1,
    inline: true,
    events: [TaskListOpened],
    handlers: {
      'tasks.TaskListOpened': async (event, views) => {
        if (!event.data.listId.startsWith(prefix)) return;
        const totals = views.collection<{ count: number }>('totals');
        const total = await totals.get('lists');
        await totals.upsert('lists', { count: (total?.count ?? 0) + 1 });
      },
    },
  });

const opened = (listId: string) => ({
  type: 'tasks.TaskListOpened',
  data: { listId, name: listId, openedAt: 'now' },
});

export function inlineContract(db: () => TestDatabase): void {
  describe('inline projections', () => {
    const running = trackReadSides();

    it('shows a command’s write the moment the append commits, and applies it only once', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [inline(name)]);
      running.push(side);
      const seed = await appendList(side.store, crypto.randomUUID(), 1);
      expect(await side.runtime.waitUntilCaughtUp(name, seed!, 10_000)).toBe(true);
      // With no subscriber running, only the append's own transaction can update the model.
      await side.engine.stop();
      const options = { store: side.store, registry: taskListRegistry };
      const listId = crypto.randomUUID();
      await handleCommand(options, taskLists, {
        type: 'tasks.OpenTaskList',
        data: { listId, name: 'now' },
      });
      const added = await handleCommand(options, taskLists, {
        type: 'tasks.AddTask',
        data: { listId, title: 'at once' },
      });
      const lists = side.runtime.reader(name).collection<ListSummary>('lists');
      expect(await lists.get(listId)).toMatchObject({ tasks: 1, applied: 2 });

      // The subscriber then passes over the same events without applying them again.
      side.engine.start();
      expect(await side.runtime.waitUntilCaughtUp(name, added.cursor!, 10_000)).toBe(true);
      expect(await lists.get(listId)).toMatchObject({ tasks: 1, applied: 2 });
      const [marks] = await db().driver.query<{ count: number }>(
        'SELECT count(*) AS count FROM inline_applied WHERE subscriber = ANY($1)',
        [side.runtime.subscribersOf(name)],
      );
      expect(marks?.count).toBe(0);
    });

    it('leaves events appended without the projection to its subscriber', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [inline(name)]);
      running.push(side);
      const elsewhere = await db().openStore({ registry: taskListRegistry });
      const listId = crypto.randomUUID();
      const cursor = await appendList(elsewhere, listId, 2, 1);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      expect(
        await side.runtime.reader(name).collection<ListSummary>('lists').get(listId),
      ).toMatchObject({
        tasks: 2,
        done: 1,
        applied: 4,
      });
    });

    it('leaves an event to the subscriber while it has not applied the stream’s earlier ones', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [inline(name)]);
      running.push(side);
      const seed = await appendList(side.store, crypto.randomUUID(), 1);
      expect(await side.runtime.waitUntilCaughtUp(name, seed!, 10_000)).toBe(true);
      await side.engine.stop();
      // A process without the projection opens the list; the subscriber has not seen it yet.
      const elsewhere = await db().openStore({ registry: taskListRegistry });
      const listId = crypto.randomUUID();
      const streamId = `tasklist-${listId}`;
      await elsewhere.appendToStream(streamId, [opened(listId)]);
      await side.store.appendToStream(streamId, [
        { type: 'tasks.TaskAdded', data: { listId, taskId: 'a', title: 'a' } },
      ]);
      const last = await side.store.appendToStream(streamId, [
        { type: 'tasks.TaskAdded', data: { listId, taskId: 'b', title: 'b' } },
        { type: 'tasks.TaskCompleted', data: { listId, taskId: 'b' } },
      ]);
      const lists = side.runtime.reader(name).collection<ListSummary>('lists');
      // Applying them inline would put them before the list exists: the subscriber does it.
      expect(await lists.get(listId)).toBeUndefined();

      side.engine.start();
      expect(await side.runtime.waitUntilCaughtUp(name, last.cursor!, 10_000)).toBe(true);
      expect(await lists.get(listId)).toMatchObject({ tasks: 2, done: 1, applied: 4 });
      // In order again: the next append is applied inline at once.
      await side.engine.stop();
      await side.store.appendToStream(streamId, [
        { type: 'tasks.TaskAdded', data: { listId, taskId: 'c', title: 'c' } },
      ]);
      expect(await lists.get(listId)).toMatchObject({ tasks: 3, done: 1, applied: 5 });
    });

    it('folds concurrent appends from processes with and without the projection, in order', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [inline(name)]);
      running.push(side);
      const seed = await appendList(side.store, crypto.randomUUID(), 1);
      expect(await side.runtime.waitUntilCaughtUp(name, seed!, 10_000)).toBe(true);
      const elsewhere = await db().openStore({ registry: taskListRegistry });
      const lists = Array.from({ length: 6 }, () => crypto.randomUUID());
      for (const listId of lists)
        await elsewhere.appendToStream(`tasklist-${listId}`, [opened(listId)]);

      const added = new Map(lists.map((listId) => [listId, 0]));
      let last: Cursor | undefined;
      const writer = async (store: typeof elsewhere, who: string) => {
        for (let index = 0; index < 18; index++) {
          const listId = lists[(index * 5 + who.length) % lists.length]!;
          const appended = await store.appendToStream(`tasklist-${listId}`, [
            { type: 'tasks.TaskAdded', data: { listId, taskId: `${who}-${index}`, title: who } },
          ]);
          added.set(listId, added.get(listId)! + 1);
          if (last === undefined || compareCursors(appended.cursor!, last) > 0)
            last = appended.cursor!;
        }
      };
      await Promise.all([writer(side.store, 'here'), writer(elsewhere, 'elsewhere')]);

      expect(await side.runtime.waitUntilCaughtUp(name, last!, 10_000)).toBe(true);
      const summaries = side.runtime.reader(name).collection<ListSummary>('lists');
      for (const listId of lists) {
        const tasks = added.get(listId)!;
        expect(await summaries.get(listId)).toMatchObject({ tasks, applied: 1 + tasks });
      }
    });

    it('lands every one of concurrent appends to other streams that bump one document', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const prefix = `count-${uniqueSuffix()}`;
      const side = await startReadSide(db(), [listCounter(name, prefix)]);
      running.push(side);
      const seed = await side.store.appendToStream(`tasklist-${uniqueSuffix()}`, [opened('seed')]);
      expect(await side.runtime.waitUntilCaughtUp(name, seed.cursor!, 10_000)).toBe(true);

      const appends = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          side.store.appendToStream(`tasklist-${prefix}-${index}`, [opened(`${prefix}-${index}`)]),
        ),
      );
      const totals = side.runtime.reader(name).collection<{ count: number }>('totals');
      expect(await totals.get('lists')).toEqual({ count: 40 });

      // The subscriber passes over the marked events: the total stays right.
      const last = appends
        .map((appended) => appended.cursor!)
        .reduce((a: Cursor, b) => (compareCursors(a, b) >= 0 ? a : b));
      expect(await side.runtime.waitUntilCaughtUp(name, last, 10_000)).toBe(true);
      expect(await totals.get('lists')).toEqual({ count: 40 });
    });

    it('rolls the append back when the inline projection fails', async () => {
      const name = `tasks.inline_${uniqueSuffix()}`;
      const failing = summaryProjection(name, {
        before(type) {
          if (type === 'tasks.TaskAdded') throw new Error('read model refuses');
        },
      });
      const side = await startReadSide(db(), [{ ...failing, inline: true }]);
      running.push(side);
      const seed = await appendList(side.store, crypto.randomUUID(), 0);
      expect(await side.runtime.waitUntilCaughtUp(name, seed!, 10_000)).toBe(true);
      const listId = crypto.randomUUID();
      await appendList(side.store, listId, 0);
      await expect(
        side.store.appendToStream(`tasklist-${listId}`, [
          { type: 'tasks.TaskAdded', data: { listId, taskId: 't', title: 'x' } },
        ]),
      ).rejects.toThrow('read model refuses');
      expect(await side.store.streamVersion(`tasklist-${listId}`)).toBe(1);
    });
  });
}
