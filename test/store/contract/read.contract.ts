import { describe, expect, it } from 'vitest';

import { UnknownSchemaVersionError, UpcastError } from '../../../src/messages/index.js';
import {
  InvalidCursorError,
  LOG_START,
  UndecodableEventError,
  type Cursor,
  type StoredEvent,
} from '../../../src/store/index.js';
import { collect } from '../../support/async.js';
import {
  endOfLog,
  insertRaw,
  untilReadable,
  type TestDatabase,
} from '../../support/test-database.js';
import {
  brokenUpcasterRegistry,
  freshStreamId,
  happened,
  legacyRegistry,
  ThingRenamed,
  ThingSized,
} from '../../support/test-messages.js';

export function readContract(db: () => TestDatabase): void {
  describe('readStream', () => {
    it('reads a stream forward, backward, by range and with a limit', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(
        streamId,
        [1, 2, 3, 4, 5].map((n) => happened(n)),
      );
      const versions = (events: StoredEvent[]) => events.map((event) => event.streamVersion);
      expect(versions(await store.readStream(streamId))).toEqual([1, 2, 3, 4, 5]);
      expect(versions(await store.readStream(streamId, { from: 2, to: 4 }))).toEqual([2, 3, 4]);
      expect(versions(await store.readStream(streamId, { from: 3, limit: 2 }))).toEqual([3, 4]);
      expect(versions(await store.readStream(streamId, { direction: 'backward' }))).toEqual([
        5, 4, 3, 2, 1,
      ]);
      expect(
        versions(await store.readStream(streamId, { direction: 'backward', limit: 2 })),
      ).toEqual([5, 4]);
      expect(
        versions(await store.readStream(streamId, { direction: 'backward', to: 3, limit: 2 })),
      ).toEqual([3, 2]);
      expect((await store.readStream(streamId))[2]!.data).toEqual({ n: 3 });
    });

    it('reads an unknown stream as empty with version 0', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      expect(await store.readStream(streamId)).toEqual([]);
      expect(await store.streamVersion(streamId)).toBe(0);
    });

    it('upcasts an event stored as version 1 to version 2 on read', async () => {
      const database = db();
      const legacy = await database.openStore({ registry: legacyRegistry });
      const streamId = freshStreamId();
      await legacy.appendToStream(streamId, [
        { type: ThingSized.name, data: { centimetres: 250 } },
      ]);
      await database.store.appendToStream(streamId, [
        { type: ThingSized.name, data: { metres: 1, unit: 'm' } },
      ]);
      const events = await database.store.readStream(streamId);
      expect(events.map((event) => [event.schemaVersion, event.data])).toEqual([
        [2, { metres: 2.5, unit: 'm' }],
        [2, { metres: 1, unit: 'm' }],
      ]);
      const [asStored] = await legacy.readStream(streamId, { to: 1 });
      expect(asStored).toMatchObject({ schemaVersion: 1, data: { centimetres: 250 } });
    });

    it('passes an event of a type nothing registers through as stored, in readStream and readAll', async () => {
      const database = db();
      const schemaless = await database.openStore();
      const start = await endOfLog(database);
      const category = `raw${crypto.randomUUID().slice(0, 8)}`;
      const streamId = freshStreamId(category);
      await schemaless.appendToStream(streamId, [
        { type: 'test.NobodyKnowsMe', data: { kept: ['as', 'is'] } },
      ]);
      await database.store.appendToStream(streamId, [happened(2)]);
      await untilReadable(database);

      const asStored = {
        type: 'test.NobodyKnowsMe',
        schemaVersion: 1,
        data: { kept: ['as', 'is'] },
      };
      const read = await database.store.readStream(streamId);
      expect(read).toHaveLength(2);
      expect(read[0]).toMatchObject(asStored);
      expect(read[1]).toMatchObject({ data: { n: 2 } });
      const all = await collect(database.store.readAll({ after: start, categories: [category] }));
      expect(all.map((event) => event.streamVersion)).toEqual([1, 2]);
      expect(all[0]).toMatchObject(asStored);
    });

    it('refuses with a typed error naming the event to read data the upcasters cannot', async () => {
      const database = db();
      const future = freshStreamId();
      const malformed = freshStreamId();
      const upcasterThrows = freshStreamId();
      // Stored by a newer version of the code; a version-1 payload the upcaster cannot lift.
      await insertRaw(database, future, ThingSized.name, 7, {});
      await insertRaw(database, malformed, ThingSized.name, 1, { centimetres: 'lots' });
      await insertRaw(database, upcasterThrows, ThingSized.name, 1, { centimetres: 1 });
      const broken = await database.openStore({ registry: brokenUpcasterRegistry });
      await untilReadable(database);

      const cases = [
        [database.store, future, UnknownSchemaVersionError],
        [database.store, malformed, UpcastError],
        [broken, upcasterThrows, Error],
      ] as const;
      for (const [store, streamId, cause] of cases) {
        const error = await store.readStream(streamId).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(UndecodableEventError);
        const undecodable = error as UndecodableEventError;
        expect(undecodable).toMatchObject({
          code: 'UNDECODABLE_EVENT',
          reason: 'unreadable',
          event: { streamId, streamVersion: 1, type: ThingSized.name },
        });
        expect(undecodable.cause).toBeInstanceOf(cause);
        expect(undecodable.message).toContain(streamId);
        await expect(
          collect(store.readAll({ categories: ['thing'], types: [ThingSized.name] })),
        ).rejects.toBeInstanceOf(UndecodableEventError);
      }
      // Leave the log readable for the readAll tests of this file.
      await database.driver.query('DELETE FROM events WHERE stream_id = ANY($1)', [
        [future, malformed, upcasterThrows],
      ]);
    });
  });

  describe('readAll', () => {
    it('returns appended events after a cursor, in read order, each once', async () => {
      const database = db();
      const start = await endOfLog(database);
      const a = freshStreamId();
      const b = freshStreamId();
      await database.store.appendToStream(a, [happened(1), happened(2)]);
      await database.store.appendToStream(b, [happened(3)]);
      await database.store.appendToStream(a, [happened(4)]);
      await untilReadable(database);
      const events = await collect(database.store.readAll({ after: start }));
      expect(events.map((event) => [event.streamId, event.streamVersion])).toEqual([
        [a, 1],
        [a, 2],
        [b, 1],
        [a, 3],
      ]);
      const cursors = events.map((event) => event.cursor);
      expect([...cursors].sort()).toEqual(cursors);
      const rest = await collect(database.store.readAll({ after: events[1]!.cursor }));
      expect(rest.map((event) => event.data)).toEqual([{ n: 3 }, { n: 4 }]);
      expect(await collect(database.store.readAll({ after: events[3]!.cursor }))).toEqual([]);
    });

    it('pages through the log in batches and honours a limit', async () => {
      const database = db();
      const start = await endOfLog(database);
      const streamId = freshStreamId();
      await database.store.appendToStream(
        streamId,
        Array.from({ length: 25 }, (_, index) => happened(index)),
      );
      await untilReadable(database);
      const paged = await collect(database.store.readAll({ after: start, batchSize: 4 }));
      expect(paged.map((event) => event.streamVersion)).toEqual(
        Array.from({ length: 25 }, (_, index) => index + 1),
      );
      const limited = await collect(
        database.store.readAll({ after: start, batchSize: 4, limit: 10 }),
      );
      expect(limited).toHaveLength(10);
      expect(limited.at(-1)!.streamVersion).toBe(10);
    });

    it('filters by event type and by stream category', async () => {
      const database = db();
      const start = await endOfLog(database);
      const order = freshStreamId('order');
      const invoice = freshStreamId('invoice');
      await database.store.appendToStream(order, [happened(1)]);
      await database.store.appendToStream(invoice, [
        happened(2),
        { type: ThingRenamed.name, data: { name: 'x' } },
      ]);
      await untilReadable(database);
      const renames = await collect(
        database.store.readAll({ after: start, types: [ThingRenamed.name] }),
      );
      expect(renames.map((event) => event.streamId)).toEqual([invoice]);
      const orders = await collect(database.store.readAll({ after: start, categories: ['order'] }));
      expect(orders.map((event) => event.streamId)).toEqual([order]);
      const both = await collect(
        database.store.readAll({
          after: start,
          categories: ['order', 'invoice'],
          types: [happened(0).type],
        }),
      );
      expect(both.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('readPage says how far it read even when its filter kept nothing, and decodes per event', async () => {
      const database = db();
      const start = (await endOfLog(database)) ?? LOG_START;
      const category = `page${crypto.randomUUID().slice(0, 8)}`;
      const schemaless = await database.openStore();
      await database.store.appendToStream(`${category}-1`, [happened(1)]);
      await schemaless.appendToStream(`${category}-1`, [{ type: 'test.NobodyKnowsMe', data: {} }]);
      const last = await database.store.appendToStream(freshStreamId(), [happened(3)]);
      await untilReadable(database);

      const page = await database.store.readPage(start, { categories: [category], limit: 10 });
      expect(page.entries.map(({ event, problem }) => [event.type, problem?.reason])).toEqual([
        [happened(0).type, undefined],
        ['test.NobodyKnowsMe', 'unknown-type'],
      ]);
      // The event after them is not this filter's: the page still covers it.
      expect(page.end).toBe(last.cursor);
      expect(
        await database.store.readPage(page.end, { categories: [category], limit: 10 }),
      ).toEqual({ entries: [], end: page.end });
      // A full page ends at its last entry: what follows is not read yet.
      const full = await database.store.readPage(start, { categories: [category], limit: 1 });
      expect(full.end).toBe(full.entries[0]!.event.cursor);
      await database.driver.query('DELETE FROM events WHERE stream_id = $1', [`${category}-1`]);
    });

    it('counts a backlog over a bounded stretch of the log when asked to', async () => {
      const database = db();
      const start = await endOfLog(database);
      const category = `backlog${crypto.randomUUID().slice(0, 8)}`;
      await database.store.appendToStream(
        `${category}-1`,
        Array.from({ length: 10 }, (_, n) => happened(n)),
      );
      await untilReadable(database);
      const filter = { categories: [category] };
      expect(await database.store.backlog(start, filter)).toMatchObject({
        events: 10,
        complete: true,
      });
      expect(await database.store.backlog(start, filter, undefined, { maxRows: 20 })).toMatchObject(
        { events: 10, complete: true },
      );
      const bounded = await database.store.backlog(start, filter, undefined, { maxRows: 4 });
      expect(bounded).toMatchObject({ events: 4, complete: false });
      expect(bounded.oldestRecordedAt).toBeInstanceOf(Date);
    });

    it('rejects a cursor it did not issue', async () => {
      const { store } = db();
      await expect(
        collect(store.readAll({ after: 'position-5' as Cursor })),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
