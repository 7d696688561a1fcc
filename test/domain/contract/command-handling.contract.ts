import { beforeAll, describe, expect, it } from 'vitest';

import {
  DomainError,
  handleCommand,
  IdempotencyConflictError,
  type CommandEnvelope,
  type CommandHandler,
  type CommandHandlingOptions,
} from '../../../src/domain/index.js';
import { Type } from 'typebox';

import {
  createMessageRegistry,
  defineEvent,
  UnknownMessageError,
  upcaster,
  ValidationError,
} from '../../../src/messages/index.js';
import {
  ConcurrencyError,
  createPostgresEventStore,
  type PostgresEventStore,
} from '../../../src/store/index.js';
import type { TestDatabaseGetter } from '../../support/test-database.js';
import {
  AddTask,
  CompleteTask,
  OpenTaskList,
  TaskCompleted,
  TaskListOpened,
  taskListDecider,
  taskListRegistry,
  type TaskListCommand,
  type TaskListEvent,
  type TaskListState,
  taskListHandler,
} from '../../support/task-list-domain.js';

type TaskListHandler = CommandHandler<TaskListCommand, TaskListEvent, TaskListState>;

const taskLists: TaskListHandler = taskListHandler;

const CLOCK = new Date('2026-11-23T10:00:00.000Z');

export function commandHandlingContract(db: TestDatabaseGetter): void {
  // Two processes on one database need PostgreSQL: PGlite is one process, one connection.
  const itWithTwoProcesses = db.kind === 'pg' ? it : () => undefined;
  describe('handleCommand', () => {
    let store: PostgresEventStore;
    beforeAll(async () => {
      store = await db().openStore({ registry: taskListRegistry });
    });
    const options = (overrides: Partial<CommandHandlingOptions> = {}): CommandHandlingOptions => ({
      store,
      registry: taskListRegistry,
      clock: () => CLOCK,
      ...overrides,
    });
    const open = (listId: string, extra: Partial<CommandEnvelope> = {}): CommandEnvelope => ({
      type: 'tasks.OpenTaskList',
      data: { listId, name: 'Groceries' },
      ...extra,
    });
    const freshListId = () => crypto.randomUUID();

    it('decides, appends and reports the result; metadata flows into the events', async () => {
      const listId = freshListId();
      const result = await handleCommand(
        options(),
        taskLists,
        open(listId, {
          metadata: { correlationId: 'corr-9', actor: 'user-1', tenant: 'acme', ip: '10.0.0.1' },
        }),
      );
      expect(result).toMatchObject({
        streamId: `tasklist-${listId}`,
        streamVersion: 1,
        duplicate: false,
      });
      expect(result.events).toHaveLength(1);
      expect(result.position).toBe(result.events[0]!.globalPosition);
      expect(result.cursor).toBeDefined();
      const [event] = await store.readStream(`tasklist-${listId}`);
      expect(event!.data).toEqual({ listId, name: 'Groceries', openedAt: CLOCK.toISOString() });
      expect(event!.metadata).toEqual({
        correlationId: 'corr-9',
        causationId: result.commandId,
        commandId: result.commandId,
        actor: 'user-1',
        tenant: 'acme',
        ip: '10.0.0.1',
      });
    });

    it('correlates events with the command itself when no correlation id is given', async () => {
      const result = await handleCommand(options(), taskLists, open(freshListId()));
      const [event] = await store.readStream(result.streamId);
      expect(event!.metadata.correlationId).toBe(result.commandId);
    });

    it('refuses invalid command data, naming each field, and writes nothing', async () => {
      const before = await db().countEvents();
      const error = await handleCommand(options(), taskLists, {
        type: 'tasks.OpenTaskList',
        data: { listId: '', name: 'x'.repeat(81), color: 'red' },
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => [issue.path, issue.rule])).toEqual(
        expect.arrayContaining([
          ['/listId', 'minLength'],
          ['/name', 'maxLength'],
          ['/color', 'additionalProperties'],
        ]),
      );
      expect(await db().countEvents()).toBe(before);
    });

    it('refuses a command the handler does not handle', async () => {
      await expect(
        handleCommand(options(), taskLists, { type: 'tasks.ArchiveList', data: {} }),
      ).rejects.toBeInstanceOf(UnknownMessageError);
    });

    it('passes a business rejection through and writes nothing', async () => {
      const listId = freshListId();
      await handleCommand(options(), taskLists, open(listId));
      const before = await db().countEvents();
      await expect(handleCommand(options(), taskLists, open(listId))).rejects.toMatchObject({
        code: 'LIST_EXISTS',
      });
      expect(await db().countEvents()).toBe(before);
    });

    it('runs the async validation hook before loading, and lets it reject', async () => {
      const taken = new Set(['Taken name']);
      const guarded: TaskListHandler = {
        ...taskLists,
        async validate(command) {
          await Promise.resolve();
          if (command.type === 'tasks.OpenTaskList' && taken.has(command.data.name)) {
            throw new DomainError('NAME_TAKEN', 'That name is taken');
          }
        },
      };
      const listId = freshListId();
      await expect(
        handleCommand(options(), guarded, {
          type: 'tasks.OpenTaskList',
          data: { listId, name: 'Taken name' },
        }),
      ).rejects.toBeInstanceOf(DomainError);
      expect(await store.streamVersion(`tasklist-${listId}`)).toBe(0);
      await handleCommand(options(), guarded, open(listId));
      expect(await store.streamVersion(`tasklist-${listId}`)).toBe(1);
    });

    describe('idempotency', () => {
      it('returns the first result for a repeated command id and appends nothing', async () => {
        const listId = freshListId();
        const id = crypto.randomUUID();
        const first = await handleCommand(options(), taskLists, open(listId, { id }));
        const again = await handleCommand(options(), taskLists, open(listId, { id }));
        expect(again).toEqual({ ...first, duplicate: true });
        expect(first.commandId).toBe(id);
        expect(await store.streamVersion(first.streamId)).toBe(1);
      });

      it('appends once when the same command id arrives ten times at once', async () => {
        const listId = freshListId();
        const id = crypto.randomUUID();
        await handleCommand(options(), taskLists, open(listId));
        const add = { type: 'tasks.AddTask', data: { listId, title: 'milk' }, id };
        const results = await Promise.all(
          Array.from({ length: 10 }, () => handleCommand(options(), taskLists, add)),
        );
        expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
        expect(new Set(results.map((result) => result.position)).size).toBe(1);
        expect(await store.streamVersion(`tasklist-${listId}`)).toBe(2);
      });

      it('answers 100 concurrent repeats of one command id with the first result, appending once', async () => {
        // Every repeat after the first would be refused by `decide` (the list is open already):
        // the first result must win over that business error.
        const listId = freshListId();
        const id = crypto.randomUUID();
        const results = await Promise.all(
          Array.from({ length: 100 }, () =>
            handleCommand(options(), taskLists, open(listId, { id })),
          ),
        );
        const [first] = results.filter((result) => !result.duplicate);
        expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
        for (const result of results)
          expect(result).toEqual({ ...first, duplicate: result.duplicate });
        expect(await store.streamVersion(`tasklist-${listId}`)).toBe(1);
      });

      itWithTwoProcesses(
        'answers repeats racing from two processes with the first result, appending once',
        async () => {
          const second = await createPostgresEventStore({
            driver: db().openSecondDriver(),
            registry: taskListRegistry,
            migrate: false,
          });
          const listId = freshListId();
          const id = crypto.randomUUID();
          const results = await Promise.all(
            Array.from({ length: 40 }, (_, index) =>
              handleCommand(
                options({ store: index % 2 === 0 ? store : second }),
                taskLists,
                open(listId, { id }),
              ),
            ),
          );
          expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
          expect(new Set(results.map((result) => result.position)).size).toBe(1);
          expect(await store.streamVersion(`tasklist-${listId}`)).toBe(1);
        },
      );

      it('treats the same fields in another order as the same command', async () => {
        const listId = freshListId();
        const id = crypto.randomUUID();
        const first = await handleCommand(options(), taskLists, {
          type: 'tasks.OpenTaskList',
          data: { listId, name: 'Groceries' },
          id,
        });
        const again = await handleCommand(options(), taskLists, {
          type: 'tasks.OpenTaskList',
          data: { name: 'Groceries', listId },
          id,
        });
        expect(again).toEqual({ ...first, duplicate: true });
      });

      it('refuses a reused command id carrying a different command', async () => {
        const id = crypto.randomUUID();
        await handleCommand(options(), taskLists, open(freshListId(), { id }));
        await expect(
          handleCommand(options(), taskLists, open(freshListId(), { id })),
        ).rejects.toBeInstanceOf(IdempotencyConflictError);
      });

      it('remembers a command that decided no events', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        const added = await handleCommand(options(), taskLists, {
          type: 'tasks.AddTask',
          data: { listId, title: 'bread' },
        });
        const [addedEvent] = await store.readStream(added.streamId, { from: 2 });
        const taskId = (addedEvent!.data as { taskId: string }).taskId;
        const complete = { type: 'tasks.CompleteTask', data: { listId, taskId } };
        await handleCommand(options(), taskLists, complete);
        const id = crypto.randomUUID();
        const noop = await handleCommand(options(), taskLists, { ...complete, id });
        expect(noop).toMatchObject({
          events: [],
          streamVersion: 3,
          position: undefined,
          duplicate: false,
        });
        expect(await handleCommand(options(), taskLists, { ...complete, id })).toEqual({
          ...noop,
          duplicate: true,
        });
      });
    });

    describe('concurrency', () => {
      /** A store whose next `times` appends each lose a race to a competing task. */
      function storeLosingRaces(times: number, listId: string): PostgresEventStore {
        let remaining = times;
        return {
          ...store,
          async appendToStream(streamId, events, appendOptions) {
            if (remaining > 0) {
              remaining--;
              await store.appendToStream(streamId, [
                {
                  type: 'tasks.TaskAdded',
                  data: { listId, taskId: crypto.randomUUID(), title: 'rival' },
                },
              ]);
            }
            return store.appendToStream(streamId, events, appendOptions);
          },
        };
      }

      it('reloads and decides again after losing a race', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        let decisions = 0;
        const counting: TaskListHandler = {
          ...taskLists,
          decider: {
            ...taskListDecider,
            decide: (...args) => (decisions++, taskListDecider.decide(...args)),
          },
        };
        const result = await handleCommand(
          options({ store: storeLosingRaces(2, listId) }),
          counting,
          { type: 'tasks.AddTask', data: { listId, title: 'mine' } },
        );
        expect(decisions).toBe(3);
        expect(result.streamVersion).toBe(4);
        const titles = (await store.readStream(result.streamId, { from: 2 })).map(
          (event) => (event.data as { title: string }).title,
        );
        expect(titles).toEqual(['rival', 'rival', 'mine']);
      });

      it('gives up with ConcurrencyError once the retry deadline has passed', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        const error = await handleCommand(
          options({
            store: storeLosingRaces(1000, listId),
            // Long enough for several attempts on a loaded machine; each waits at most 20 ms.
            retry: { deadlineMs: 1_000, baseDelayMs: 1, maxDelayMs: 20 },
          }),
          taskLists,
          { type: 'tasks.AddTask', data: { listId, title: 'mine' } },
        ).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConcurrencyError);
        // More attempts than the old fixed budget of 5: the deadline, not a count, ends them.
        expect(await store.streamVersion(`tasklist-${listId}`)).toBeGreaterThan(6);
      });

      it('fails fast when a pinned expected version is stale', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        await handleCommand(options(), taskLists, {
          type: 'tasks.AddTask',
          data: { listId, title: 'a' },
        });
        await expect(
          handleCommand(options(), taskLists, {
            type: 'tasks.AddTask',
            data: { listId, title: 'b' },
            expectedVersion: 1,
          }),
        ).rejects.toMatchObject({ expected: 1, actual: 2 });
        const pinned = await handleCommand(options(), taskLists, {
          type: 'tasks.AddTask',
          data: { listId, title: 'b' },
          expectedVersion: 2,
        });
        expect(pinned.streamVersion).toBe(3);
      });

      /** Sends `count` unpinned AddTask commands at once through `stores`, in turn. */
      function addTasksAtOnce(listId: string, count: number, stores = [store]) {
        return Promise.all(
          Array.from({ length: count }, (_, index) =>
            handleCommand(options({ store: stores[index % stores.length]! }), taskLists, {
              type: 'tasks.AddTask',
              data: { listId, title: `task ${index}` },
            }),
          ),
        );
      }

      async function expectEveryTaskAdded(listId: string, count: number): Promise<void> {
        const events = await store.readStream(`tasklist-${listId}`);
        expect(events.map((event) => event.streamVersion)).toEqual(
          Array.from({ length: count + 1 }, (_, index) => index + 1),
        );
        const titles = events.slice(1).map((event) => (event.data as { title: string }).title);
        expect(new Set(titles)).toEqual(
          new Set(Array.from({ length: count }, (_, index) => `task ${index}`)),
        );
      }

      it('lets 50 concurrent unpinned commands on one stream all succeed', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        const results = await addTasksAtOnce(listId, 50);
        expect(results.map((result) => result.streamVersion).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, index) => index + 2),
        );
        await expectEveryTaskAdded(listId, 50);
      });

      itWithTwoProcesses(
        'lets unpinned commands from two processes on one stream all succeed',
        async () => {
          const second = await createPostgresEventStore({
            driver: db().openSecondDriver(),
            registry: taskListRegistry,
            migrate: false,
          });
          const listId = freshListId();
          await handleCommand(options(), taskLists, open(listId));
          await addTasksAtOnce(listId, 50, [store, second]);
          await expectEveryTaskAdded(listId, 50);
        },
      );

      it('still refuses all but one of concurrent commands pinned to the same version', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, index) =>
            handleCommand(options(), taskLists, {
              type: 'tasks.AddTask',
              data: { listId, title: `task ${index}` },
              expectedVersion: 1,
            }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected')) {
          expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
        }
        expect(await store.streamVersion(`tasklist-${listId}`)).toBe(2);
      });
    });

    describe('snapshots', () => {
      const withSnapshots = (stateVersion: number): TaskListHandler => ({
        ...taskLists,
        decider: { ...taskListDecider, snapshot: { every: 3, version: stateVersion } },
      });

      async function listWithTasks(handler: TaskListHandler, count: number) {
        const listId = freshListId();
        await handleCommand(options(), handler, open(listId));
        for (let index = 0; index < count; index++) {
          await handleCommand(options(), handler, {
            type: 'tasks.AddTask',
            data: { listId, title: `t${index}` },
          });
        }
        return listId;
      }

      /** Adds a task that exists only in the stream's snapshot, not in its events. */
      async function plantGhostTask(listId: string): Promise<void> {
        await db().driver.query(
          `UPDATE snapshots SET state = jsonb_set(state, '{tasks,ghost}', '"open"') WHERE stream_id = $1`,
          [`tasklist-${listId}`],
        );
      }
      const completeGhost = (listId: string): CommandEnvelope => ({
        type: 'tasks.CompleteTask',
        data: { listId, taskId: 'ghost' },
      });

      it('snapshots every N events and loads from the snapshot', async () => {
        const handler = withSnapshots(1);
        const listId = await listWithTasks(handler, 6);
        const snapshot = await store.snapshots.load(`tasklist-${listId}`);
        expect(snapshot).toMatchObject({ streamVersion: 6, stateVersion: 1 });
        expect(Object.keys((snapshot!.state as TaskListState).tasks)).toHaveLength(5);

        // Completing the planted task works only if loading starts from the snapshot.
        await plantGhostTask(listId);
        const completed = await handleCommand(options(), handler, completeGhost(listId));
        expect(completed.streamVersion).toBe(8);
      });

      it('ignores a snapshot taken before an upcaster changed its events, and replaces it', async () => {
        const listId = await listWithTasks(withSnapshots(1), 6);
        const streamId = `tasklist-${listId}`;
        expect(await store.snapshots.load(streamId)).toMatchObject({ streamVersion: 6 });
        const [, firstAdded] = await store.readStream(streamId);
        const taskId = (firstAdded!.data as { taskId: string }).taskId;

        // Version 2 of TaskAdded reads old task ids with a prefix: the folded state changes.
        const TaskAddedV2 = defineEvent({
          name: 'tasks.TaskAdded',
          version: 2,
          schema: Type.Object({
            listId: Type.String(),
            taskId: Type.String(),
            title: Type.String(),
          }),
          upcasters: [
            upcaster(
              1,
              Type.Object({ listId: Type.String(), taskId: Type.String(), title: Type.String() }),
              (data) => ({ ...data, taskId: `v1-${data.taskId}` }),
            ),
          ],
        });
        const registry = createMessageRegistry([
          TaskListOpened,
          TaskAddedV2,
          TaskCompleted,
          OpenTaskList,
          AddTask,
          CompleteTask,
        ]);
        const upcasting = await db().openStore({ registry });
        const complete = (id: string): CommandEnvelope => ({
          type: 'tasks.CompleteTask',
          data: { listId, taskId: id },
        });
        const upgraded = options({ store: upcasting, registry });
        await expect(
          handleCommand(upgraded, withSnapshots(1), complete(taskId)),
        ).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
        const completed = await handleCommand(upgraded, withSnapshots(1), complete(`v1-${taskId}`));
        expect(completed.streamVersion).toBe(8);

        const fresh = await upcasting.snapshots.load(streamId);
        expect(fresh?.streamVersion).toBe(8);
        expect((fresh!.state as TaskListState).tasks[`v1-${taskId}`]).toBe('done');
      });

      it('ignores a snapshot written under another state shape', async () => {
        const listId = await listWithTasks(withSnapshots(1), 6);
        await plantGhostTask(listId);
        await expect(
          handleCommand(options(), withSnapshots(2), completeGhost(listId)),
        ).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
      });
    });
  });
}
