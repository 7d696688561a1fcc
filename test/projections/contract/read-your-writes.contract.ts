import { describe, expect, it } from 'vitest';

import { handleCommand } from '../../../src/domain/index.js';
import { ConsistencyTimeoutError } from '../../../src/queries/index.js';
import { ValidationError } from '../../../src/messages/index.js';
import { taskListRegistry, taskListHandler } from '../../support/task-list-domain.js';
import {
  getSummaryQuery,
  startReadSide,
  summaryProjection,
  trackReadSides,
  uniqueSuffix,
  type ListSummary,
} from '../../support/task-list-read-side.js';
import type { TestDatabase } from '../../support/test-database.js';

const taskLists = taskListHandler;

export function readYourWritesContract(db: () => TestDatabase): void {
  describe('read your writes', () => {
    const running = trackReadSides();

    it('always sees a command’s write in a query given the command’s position', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(side);
      const options = { store: side.store, registry: taskListRegistry };
      const listId = crypto.randomUUID();
      const opened = await handleCommand(options, taskLists, {
        type: 'tasks.OpenTaskList',
        data: { listId, name: 'ryw' },
      });
      expect(
        await side.runner.run(query.name, { listId }, { minPosition: opened.position! }),
      ).toMatchObject({
        tasks: 0,
      });
      for (let index = 1; index <= 20; index++) {
        const added = await handleCommand(options, taskLists, {
          type: 'tasks.AddTask',
          data: { listId, title: `t${index}` },
        });
        const summary = (await side.runner.run(
          query.name,
          { listId },
          { minPosition: added.position! },
        )) as ListSummary;
        expect(summary.tasks).toBe(index);
      }
    });

    it('fails with a typed error naming the projection when it cannot catch up in time', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(side);
      const listId = crypto.randomUUID();
      const opened = await handleCommand(
        { store: side.store, registry: taskListRegistry },
        taskLists,
        {
          type: 'tasks.OpenTaskList',
          data: { listId, name: 'late' },
        },
      );
      await side.runtime.waitUntilCaughtUp(name, opened.cursor!, 10_000);
      await side.engine.stop();
      const added = await handleCommand(
        { store: side.store, registry: taskListRegistry },
        taskLists,
        {
          type: 'tasks.AddTask',
          data: { listId, title: 'never projected' },
        },
      );
      const error = await side.runner
        .run(query.name, { listId }, { minPosition: added.position!, timeoutMs: 300 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConsistencyTimeoutError);
      expect(error).toMatchObject({ projection: name, position: added.position });
    });

    it('validates query parameters like commands', async () => {
      const name = `tasks.summary_${uniqueSuffix()}`;
      const query = getSummaryQuery(name);
      const side = await startReadSide(db(), [summaryProjection(name)], [query]);
      running.push(side);
      const error = await side.runner
        .run(query.name, { listId: '', extra: 1 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => [issue.path, issue.rule])).toEqual(
        expect.arrayContaining([
          ['/listId', 'minLength'],
          ['/extra', 'additionalProperties'],
        ]),
      );
    });
  });
}
