import { describe, expect, it } from 'vitest';

import { UnknownMessageError, UnknownSchemaVersionError } from '../../../src/messages/index.js';
import { InvalidCursorError, type Cursor, type StoredEvent } from '../../../src/store/index.js';
import { collect } from '../../support/async.js';
import { endOfLog, type TestDatabase } from '../../support/test-database.js';
import {
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

    it('refuses with a typed error to read an event of a type or version nothing knows', async () => {
      const database = db();
      const schemaless = await database.openStore();
      const unknownType = freshStreamId();
      await schemaless.appendToStream(unknownType, [{ type: 'test.NobodyKnowsMe', data: {} }]);
      await expect(database.store.readStream(unknownType)).rejects.toBeInstanceOf(
        UnknownMessageError,
      );

      const futureVersion = freshStreamId();
      await database.driver.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
         VALUES ($1, $2, 1, $3, 7, '{}', '{}')`,
        [crypto.randomUUID(), futureVersion, ThingSized.name],
      );
      await expect(database.store.readStream(futureVersion)).rejects.toBeInstanceOf(
        UnknownSchemaVersionError,
      );
      // Leave the log readable for the readAll tests of this file.
      await database.driver.query('DELETE FROM events WHERE stream_id = ANY($1)', [
        [unknownType, futureVersion],
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

    it('rejects a cursor it did not issue', async () => {
      const { store } = db();
      await expect(
        collect(store.readAll({ after: 'position-5' as Cursor })),
      ).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
