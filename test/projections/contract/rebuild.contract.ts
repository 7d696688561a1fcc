import { describe, expect, it } from 'vitest';

import type { Cursor } from '../../../src/store/index.js';
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
import { appendList } from './projections.contract.js';

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const [row] = await db.driver.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [table],
  );
  return row?.found === true;
}

export function rebuildContract(db: () => TestDatabase): void {
  describe('rebuilds', () => {
    const running = trackReadSides();

    it('rebuilds under live writes without a query ever seeing an empty model, then switches', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(side);
      const lists = Array.from({ length: 6 }, () => crypto.randomUUID());
      let cursor: Cursor | undefined;
      for (const listId of lists) cursor = await appendList(side.store, listId, 5, 2);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 15_000)).toBe(true);
      const oldGeneration = side.runtime.subscribersOf(name);

      // Writers keep adding tasks while the projection is rebuilt.
      const flags = { writing: true, rebuilt: false };
      const written = new Map(lists.map((listId) => [listId, 5]));
      const writer = (async () => {
        for (let index = 0; flags.writing; index++) {
          const listId = lists[index % lists.length]!;
          const count = written.get(listId)!;
          cursor = (
            await side.store.appendToStream(`tasklist-${listId}`, [
              {
                type: 'tasks.TaskAdded',
                data: { listId, taskId: `${listId}-${count}`, title: 'live' },
              },
            ])
          ).cursor;
          written.set(listId, count + 1);
          await new Promise((settle) => setTimeout(settle, 5));
        }
      })();

      const rebuild = await side.runtime.rebuild(name);
      let answers = 0;
      void rebuild.done.then(() => (flags.rebuilt = true));
      const deadline = Date.now() + 30_000;
      while (!flags.rebuilt) {
        if (Date.now() > deadline) throw new Error('the rebuild did not finish in 30 s');
        // PGlite answers without I/O: let timers run between rounds, as requests would.
        await new Promise((settle) => setImmediate(settle));
        for (const listId of lists) {
          const summary = (await side.runner.run(query.name, { listId })) as
            ListSummary | undefined;
          expect(summary?.listId).toBe(listId);
          expect(summary!.tasks).toBeGreaterThanOrEqual(5);
          answers++;
        }
      }
      const progress = await rebuild.progress();
      expect(progress).toMatchObject({
        projection: name,
        generation: rebuild.generation,
        done: true,
      });
      expect(progress.eventsDone).toBeGreaterThan(0);
      flags.writing = false;
      await writer;
      expect(answers).toBeGreaterThan(0);

      // The new generation serves queries, caught up with every write; the old one is gone.
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 15_000)).toBe(true);
      for (const listId of lists) {
        const summary = (await side.runner.run(query.name, { listId })) as ListSummary;
        const tasks = written.get(listId)!;
        expect(summary).toMatchObject({ tasks, done: 2, applied: 1 + tasks + 2 });
      }
      expect(side.runtime.subscribersOf(name)).not.toEqual(oldGeneration);
      const oldTable = `view_${name.replaceAll('.', '__')}_g1`;
      expect(await tableExists(db(), oldTable)).toBe(false);
    });

    it('never runs a reactor again when a projection is rebuilt', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [summaryProjection(name)]);
      running.push(side);
      const listId = crypto.randomUUID();
      const reacted: string[] = [];
      side.engine.add({
        name: `reactor-${uniqueSuffix()}`,
        filter: { categories: ['tasklist'], types: ['tasks.TaskListOpened'] },
        startFrom: 'end',
        handle(events) {
          reacted.push(...events.map((event) => event.id));
          return Promise.resolve();
        },
      });
      await new Promise((settle) => setTimeout(settle, 200));
      const cursor = await appendList(side.store, listId, 2);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      await readUntil(
        () => Promise.resolve(reacted.length),
        (count) => count === 1,
      );
      const rebuild = await side.runtime.rebuild(name);
      await rebuild.done;
      await new Promise((settle) => setTimeout(settle, 200));
      expect(reacted).toHaveLength(1);
    });

    it('builds a bumped version aside, serving the old one until the new one has caught up', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const v1 = await startReadSide(db(), [summaryProjection(name)], [query]);
      const listId = crypto.randomUUID();
      const cursor = await appendList(v1.store, listId, 3);
      expect(await v1.runtime.waitUntilCaughtUp(name, cursor!, 15_000)).toBe(true);
      await v1.stop();

      // Version 2 stamps its documents, so it shows which version a query read.
      let gate: () => void = () => undefined;
      const held = new Promise<void>((settle) => (gate = settle));
      const v2Definition = summaryProjection(name, { version: 2, stamp: { shape: 'v2' } });
      const slowed = {
        ...v2Definition,
        handlers: {
          ...v2Definition.handlers,
          'tasks.TaskListOpened': async (
            ...args: Parameters<NonNullable<(typeof v2Definition.handlers)[string]>>
          ) => {
            await held;
            await v2Definition.handlers['tasks.TaskListOpened']!(...args);
          },
        },
      };
      const v2 = await startReadSide(db(), [slowed], [query]);
      running.push(v2);
      // While version 2 is held back, queries still read version 1.
      const during = await v2.runner.run(query.name, { listId });
      expect(during).toMatchObject({ tasks: 3 });
      expect(during).not.toHaveProperty('shape');
      expect(v2.runtime.currentRebuild(name)).toBeDefined();
      gate();
      await v2.runtime.currentRebuild(name)!.done;
      expect(await v2.runner.run(query.name, { listId }, { minPosition: cursor! })).toMatchObject({
        tasks: 3,
        applied: 4,
        shape: 'v2',
      });
      expect(await tableExists(db(), `view_${name.replaceAll('.', '__')}_g1`)).toBe(false);
      expect(await tableExists(db(), `view_${name.replaceAll('.', '__')}_g2`)).toBe(true);
    });
  });
}
