import { describe, expect, it } from 'vitest';

import {
  defineProjection,
  readProjectionRows,
  type ProjectionDefinition,
} from '../../../src/projections/index.js';
import { createPostgresEventStore, type Cursor } from '../../../src/store/index.js';
import { taskListRegistry, TaskListOpened } from '../../support/task-list-domain.js';
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

/** A store on another driver (another process) on PostgreSQL; another store on PGlite. */
async function otherProcessStore(db: TestDatabase) {
  const driver = db.kind === 'pg' ? db.openSecondDriver() : db.driver;
  return createPostgresEventStore({ driver, registry: taskListRegistry, migrate: false });
}

async function projectionRow(db: TestDatabase, name: string) {
  return (await readProjectionRows(db.driver)).find((row) => row.name === name);
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

    it('switches queries to a rebuilt generation only once it has reached the old one', async () => {
      const name = `tasks.lists_${uniqueSuffix()}`;
      const prefix = `rebuilt-${uniqueSuffix()}`;
      // Held back by failing (and retrying): waiting in the handler would hold PGlite's one
      // connection, and the queries below with it.
      const gate = { held: false };
      const projection: ProjectionDefinition = defineProjection({
        name,
        version: 1,
        events: [TaskListOpened],
        retry: { maxAttempts: 1_000, baseDelayMs: 10, maxDelayMs: 20 },
        handlers: {
          'tasks.TaskListOpened': async (event, views) => {
            if (gate.held) throw new Error('held back');
            if (!event.data.listId.startsWith(prefix)) return;
            await views.collection('lists').insert(event.data.listId, { name: event.data.name });
          },
        },
      });
      const side = await startReadSide(db(), [projection]);
      running.push(side);
      // Fewer events than a batch: "less than a batch behind" holds before it applies any.
      const listIds = Array.from({ length: 300 }, (_, index) => `${prefix}-${index}`);
      const appended = await side.store.appendToStream(
        `tasklist-${prefix}`,
        listIds.map((listId) => ({
          type: 'tasks.TaskListOpened',
          data: { listId, name: listId, openedAt: 'now' },
        })),
      );
      expect(await side.runtime.waitUntilCaughtUp(name, appended.cursor!, 15_000)).toBe(true);
      const count = () => side.runtime.reader(name).collection('lists').count();
      expect(await count()).toBe(300);

      gate.held = true;
      const rebuild = await side.runtime.rebuild(name);
      for (let check = 0; check < 6; check++) {
        await new Promise((settle) => setTimeout(settle, 100));
        expect(await count()).toBe(300);
      }
      expect((await rebuild.progress()).done).toBe(false);
      gate.held = false;
      await rebuild.done;
      expect(side.runtime.subscribersOf(name)).toEqual([`projection:${name}:g2`]);
      expect(await count()).toBe(300);
    });

    it('keeps another process’s appends and queries working when a switch drops its generation', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const projection = { ...summaryProjection(name), inline: true };
      const switching = await startReadSide(db(), [projection], [query]);
      running.push(switching);
      const listId = crypto.randomUUID();
      const cursor = await appendList(switching.store, listId, 2);
      expect(await switching.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      // Another process appends and queries; it runs no subscriber and has not synced since.
      const other = await startReadSide(db(), [projection], [query], {
        store: await otherProcessStore(db()),
        syncIntervalMs: 60_000,
        startEngine: false,
      });
      running.push(other);
      expect(await other.runner.run(query.name, { listId })).toMatchObject({ tasks: 2 });

      const rebuild = await switching.runtime.rebuild(name);
      await rebuild.done;
      expect(await tableExists(db(), `view_${name.replaceAll('.', '__')}_g1`)).toBe(false);

      expect(await other.runner.run(query.name, { listId })).toMatchObject({ tasks: 2 });
      const added = await other.store.appendToStream(`tasklist-${listId}`, [
        { type: 'tasks.TaskAdded', data: { listId, taskId: 'late', title: 'late' } },
      ]);
      expect(
        await other.runner.run(query.name, { listId }, { minPosition: added.cursor! }),
      ).toMatchObject({ tasks: 3, applied: 4 });
    });

    it('lets the highest version win a rolling deploy, without churning generations', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const v1 = await startReadSide(db(), [summaryProjection(name)], [query], {
        syncIntervalMs: 50,
      });
      running.push(v1);
      const listId = crypto.randomUUID();
      const cursor = await appendList(v1.store, listId, 3);
      expect(await v1.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);

      const v2Projection = summaryProjection(name, { version: 2, stamp: { shape: 'v2' } });
      const v2 = await startReadSide(db(), [v2Projection], [query], {
        store: await otherProcessStore(db()),
        syncIntervalMs: 50,
      });
      running.push(v2);
      await readUntil(
        () => projectionRow(db(), name),
        (row) => row?.active_version === 2,
      );
      // Both keep syncing for a while: nothing more is built.
      await new Promise((settle) => setTimeout(settle, 1_500));
      expect(await projectionRow(db(), name)).toMatchObject({
        active_generation: 2,
        active_version: 2,
        building_generation: null,
        last_generation: 2,
      });
      expect(v1.runtime.subscribersOf(name)).toEqual([]);
      expect(await v1.runner.run(query.name, { listId })).toMatchObject({ tasks: 3, shape: 'v2' });
      await expect(v1.runtime.rebuild(name)).rejects.toMatchObject({
        code: 'PROJECTION_SUPERSEDED',
      });
    });

    it('lets an operator abandon a newer version left half-built by a rolled-back deploy', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const v1 = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(v1);
      const listId = crypto.randomUUID();
      const cursor = await appendList(v1.store, listId, 3);
      expect(await v1.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);

      // Version 2, with a table version 1 does not know, starts building; then its deploy is
      // rolled back before the build finished.
      const v2Summary = summaryProjection(name, { version: 2, stamp: { shape: 'v2' } });
      const v2Projection = { ...v2Summary, tables: { ...v2Summary.tables, extra: 'id text' } };
      const v2 = await startReadSide(db(), [v2Projection], [query], {
        store: await otherProcessStore(db()),
        startEngine: false,
      });
      await v2.stop();
      expect(await projectionRow(db(), name)).toMatchObject({
        active_version: 1,
        building_generation: 2,
        building_version: 2,
      });
      await expect(v1.runtime.rebuild(name)).rejects.toMatchObject({
        code: 'PROJECTION_SUPERSEDED',
      });

      expect(await v1.runtime.abandonRebuild(name)).toEqual({ generation: 2, version: 2 });
      expect(await projectionRow(db(), name)).toMatchObject({
        active_generation: 1,
        building_generation: null,
      });
      const g2 = `view_${name.replaceAll('.', '__')}_g2`;
      for (const table of [g2, `${g2}_tasks`, `${g2}_extra`]) {
        expect(await tableExists(db(), table), table).toBe(false);
      }
      expect(await v1.runtime.abandonRebuild(name)).toBeUndefined();
      // Version 1 may rebuild again, and queries never stopped answering.
      const rebuild = await v1.runtime.rebuild(name);
      await rebuild.done;
      expect(await projectionRow(db(), name)).toMatchObject({
        active_generation: 3,
        active_version: 1,
      });
      expect(await v1.runner.run(query.name, { listId })).toMatchObject({ tasks: 3 });
    });

    it('never runs a reactor again when a projection is rebuilt', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const side = await startReadSide(db(), [summaryProjection(name)]);
      running.push(side);
      const listId = crypto.randomUUID();
      const reacted: string[] = [];
      const reactor = `reactor-${uniqueSuffix()}`;
      side.engine.add({
        name: reactor,
        filter: { categories: ['tasklist'], types: ['tasks.TaskListOpened'] },
        startFrom: 'end',
        handle(events) {
          reacted.push(...events.map((event) => event.id));
          return Promise.resolve();
        },
      });
      // Live: it has placed itself at the end of the log, so it reacts to what follows only.
      await readUntil(
        () => side.engine.statusOf(reactor),
        ({ state }) => state === 'live',
      );
      const cursor = await appendList(side.store, listId, 2);
      expect(await side.runtime.waitUntilCaughtUp(name, cursor!, 10_000)).toBe(true);
      await readUntil(
        () => Promise.resolve(reacted.length),
        (count) => count === 1,
      );
      const rebuild = await side.runtime.rebuild(name);
      await rebuild.done;
      // A while for a reactor that was wrongly run again to show it.
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
