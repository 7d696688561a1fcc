import { describe, expect, it } from 'vitest';

import {
  ANY,
  ConcurrencyError,
  DuplicateCommandError,
  NO_STREAM,
  STREAM_EXISTS,
  compareCursors,
} from '../../../src/store/index.js';
import type { TestDatabase } from '../../support/test-database.js';
import { freshStreamId, happened } from '../../support/test-messages.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function appendContract(db: () => TestDatabase): void {
  describe('appendToStream', () => {
    it('appends to a new stream and reports versions, positions and a cursor', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      const result = await store.appendToStream(streamId, [happened(1), happened(2)], {
        expectedVersion: NO_STREAM,
      });
      expect(result.streamId).toBe(streamId);
      expect(result.streamVersion).toBe(2);
      expect(result.events.map((event) => event.streamVersion)).toEqual([1, 2]);
      const [first, second] = result.events;
      expect(second!.globalPosition).toBeGreaterThan(first!.globalPosition);
      expect(first!.id).toMatch(UUID_V7);
      expect(result.events.map((event) => event.type)).toEqual([
        'test.ThingHappened',
        'test.ThingHappened',
      ]);
      const stored = await store.readStream(streamId);
      expect(result.cursor).toBe(stored[1]!.cursor);
    });

    it('accepts an exact expected version equal to the stream version', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)], { expectedVersion: 0 });
      const result = await store.appendToStream(streamId, [happened(2)], { expectedVersion: 1 });
      expect(result.streamVersion).toBe(2);
    });

    it('rejects a stale expected version with ConcurrencyError carrying both versions', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1), happened(2)]);
      const error = await store
        .appendToStream(streamId, [happened(3)], { expectedVersion: 1 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({
        streamId,
        expected: 1,
        actual: 2,
        code: 'CONCURRENCY_CONFLICT',
      });
      expect(await store.streamVersion(streamId)).toBe(2);
    });

    it('rejects an expected version ahead of the stream', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)]);
      await expect(
        store.appendToStream(streamId, [happened(2)], { expectedVersion: 5 }),
      ).rejects.toMatchObject({ expected: 5, actual: 1 });
    });

    it('rejects NO_STREAM (and 0) when the stream exists', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)]);
      await expect(
        store.appendToStream(streamId, [happened(2)], { expectedVersion: NO_STREAM }),
      ).rejects.toMatchObject({ expected: NO_STREAM, actual: 1 });
      await expect(
        store.appendToStream(streamId, [happened(2)], { expectedVersion: 0 }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('accepts STREAM_EXISTS only for a stream with events', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await expect(
        store.appendToStream(streamId, [happened(1)], { expectedVersion: STREAM_EXISTS }),
      ).rejects.toMatchObject({ expected: STREAM_EXISTS, actual: 0 });
      await store.appendToStream(streamId, [happened(1)]);
      const result = await store.appendToStream(streamId, [happened(2)], {
        expectedVersion: STREAM_EXISTS,
      });
      expect(result.streamVersion).toBe(2);
    });

    it('appends with ANY whatever the version, and defaults to ANY', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)], { expectedVersion: ANY });
      await store.appendToStream(streamId, [happened(2)], { expectedVersion: ANY });
      const result = await store.appendToStream(streamId, [happened(3)]);
      expect(result.streamVersion).toBe(3);
    });

    it('checks the version of an empty append without writing', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)]);
      const result = await store.appendToStream(streamId, [], { expectedVersion: 1 });
      expect(result).toEqual({ streamId, streamVersion: 1, events: [], cursor: undefined });
      await expect(
        store.appendToStream(streamId, [], { expectedVersion: 0 }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('stores the envelope: ids, types, schema version, metadata and the database time', async () => {
      const { store, driver } = db();
      const streamId = freshStreamId();
      const id = '01890a5d-ac96-774b-bcce-b302099a8057';
      const metadata = {
        correlationId: 'corr-1',
        causationId: 'cause-1',
        commandId: 'cmd-1',
        actor: 'user-7',
        tenant: 'acme',
        traceparent: '00-abc-def-01',
      };
      const [{ now }] = (await driver.query<{ now: Date }>('SELECT now() AS now')) as [
        { now: Date },
      ];
      await store.appendToStream(streamId, [
        { id, type: 'test.ThingHappened', data: { n: 1 }, metadata },
      ]);
      const [event] = await store.readStream(streamId);
      expect(event).toMatchObject({
        id,
        type: 'test.ThingHappened',
        schemaVersion: 1,
        data: { n: 1 },
        metadata,
        streamId,
        streamVersion: 1,
      });
      expect(event!.recordedAt).toBeInstanceOf(Date);
      expect(Math.abs(event!.recordedAt.getTime() - now.getTime())).toBeLessThan(60_000);
    });

    it('records the command with its events and refuses the same command id again', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      const command = { id: `cmd-${crypto.randomUUID()}`, type: 'test.Do', fingerprint: 'f1' };
      const first = await store.appendToStream(streamId, [happened(1), happened(2)], { command });
      const recorded = await store.findCommand(command.id);
      expect(recorded).toEqual({ ...command, streamId, result: first });

      const again = store.appendToStream(streamId, [happened(3)], { command });
      await expect(again).rejects.toBeInstanceOf(DuplicateCommandError);
      expect(await store.streamVersion(streamId)).toBe(2);
    });

    it('records a command that appended nothing', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      const command = { id: `cmd-${crypto.randomUUID()}`, type: 'test.Noop', fingerprint: 'f' };
      const result = await store.appendToStream(streamId, [], { command, expectedVersion: 0 });
      expect(result).toEqual({ streamId, streamVersion: 0, events: [], cursor: undefined });
      expect((await store.findCommand(command.id))?.result).toEqual(result);
      expect(await store.findCommand('never-seen')).toBeUndefined();
    });

    it('hands out increasing cursors in append order within a stream', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      const a = await store.appendToStream(streamId, [happened(1)]);
      const b = await store.appendToStream(streamId, [happened(2)]);
      expect(compareCursors(a.cursor!, b.cursor!)).toBe(-1);
    });

    it('wakes commit listeners after an append', async () => {
      const { store } = db();
      let calls = 0;
      const stop = store.onCommit(() => calls++);
      await store.appendToStream(freshStreamId(), [happened(1)]);
      stop();
      await store.appendToStream(freshStreamId(), [happened(2)]);
      expect(calls).toBeGreaterThanOrEqual(1);
      const afterStop = calls;
      await store.appendToStream(freshStreamId(), [happened(3)]);
      expect(calls).toBe(afterStop);
    });

    it('commits appends in a transaction together with its other writes, or not at all', async () => {
      const { store } = db();
      const kept = freshStreamId();
      const rolledBack = freshStreamId();
      await store.transaction(async (tx) => {
        await tx.appendToStream(kept, [happened(1)]);
        await tx.appendToStream(kept, [happened(2)], { expectedVersion: 1 });
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.appendToStream(rolledBack, [happened(1)]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.streamVersion(kept)).toBe(2);
      expect(await store.streamVersion(rolledBack)).toBe(0);
    });
  });
}
