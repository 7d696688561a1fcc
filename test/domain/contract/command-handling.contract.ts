import { beforeAll, describe, expect, it } from 'vitest';

import {
  DomainError,
  handleCommand,
  IdempotencyConflictError,
  type CommandEnvelope,
  type CommandHandler,
  type CommandHandlingOptions,
} from '../../../src/domain/index.js';
import { UnknownMessageError, ValidationError } from '../../../src/messages/index.js';
import { ConcurrencyError, type PostgresEventStore } from '../../../src/store/index.js';
import type { TestDatabase } from '../../support/test-database.js';
import {
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

export function commandHandlingContract(db: () => TestDatabase): void {
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

      it('gives up with ConcurrencyError once the retry budget is spent', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        const error = await handleCommand(
          options({
            store: storeLosingRaces(10, listId),
            retry: { maxAttempts: 3, baseDelayMs: 1 },
          }),
          taskLists,
          { type: 'tasks.AddTask', data: { listId, title: 'mine' } },
        ).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(await store.streamVersion(`tasklist-${listId}`)).toBe(4);
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

      it('lets concurrent commands on one stream all succeed through retries', async () => {
        const listId = freshListId();
        await handleCommand(options(), taskLists, open(listId));
        await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            handleCommand(options({ retry: { maxAttempts: 20 } }), taskLists, {
              type: 'tasks.AddTask',
              data: { listId, title: `task ${index}` },
            }),
          ),
        );
        expect(await store.streamVersion(`tasklist-${listId}`)).toBe(9);
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
