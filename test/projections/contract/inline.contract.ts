import { describe, expect, it } from 'vitest';

import { handleCommand } from '../../../src/domain/index.js';
import type { ProjectionDefinition } from '../../../src/projections/index.js';
import { taskListRegistry, taskListHandler } from '../../support/task-list-domain.js';
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
