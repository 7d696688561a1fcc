import { afterEach, describe, expect, it } from 'vitest';

import {
  createLakeArchiver,
  replayLake,
  ReplayTargetNotEmptyError,
  type LakeArchiver,
  type LakeSink,
} from '../../../src/lake/index.js';
import {
  createPgDriver,
  createPostgresEventStore,
  type StoredEvent,
} from '../../../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriptionEngine,
} from '../../../src/subscriptions/index.js';
import { collect, deferred, readUntil } from '../../support/async.js';
import { memoryPgliteDriver } from '../../support/memory-pglite.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../../support/postgres.js';
import { insertRaw, untilReadable, type TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';
import { expectLakeIsTheLog, type TestSink, type TestSinkFactory } from './lake-fixture.js';

/** Appends `count` events over five streams, a few per append, plus one nothing can decode. */
export async function appendSome(db: TestDatabase, count: number) {
  const category = `lake${crypto.randomUUID().slice(0, 6)}`;
  for (let n = 0; n < count; n += 3) {
    await db.store.appendToStream(`${category}-${n % 5}`, [
      happened(n),
      happened(n + 1),
      happened(n + 2),
    ]);
  }
  await insertRaw(db, `${category}-x`, 'test.NobodyKnowsMe', 1, { kept: 'as stored' });
  await untilReadable(db);
}

/** The archiver contract: every event of the log once in the lake, whatever fails when. */
export function archiverContract(db: () => TestDatabase, makeSink: TestSinkFactory): void {
  describe('lake archiver', () => {
    const running: { engine: SubscriptionEngine; archiver: LakeArchiver }[] = [];
    const sinks: TestSink[] = [];
    afterEach(async () => {
      for (const { engine, archiver } of running.splice(0)) {
        const stopped = engine.stop();
        archiver.stop();
        await stopped;
      }
      for (const sink of sinks.splice(0)) await sink.remove();
    });

    const freshSink = async () => {
      const made = await makeSink();
      sinks.push(made);
      return made.sink;
    };

    function startArchiver(
      sink: LakeSink,
      name: string,
      limits: { maxEvents: number },
      onError?: (e: unknown) => void,
    ) {
      const archiver = createLakeArchiver({
        sink,
        subscriberName: name,
        maxEvents: limits.maxEvents,
        lingerMs: 50,
        ...(onError === undefined ? {} : { onError }),
      });
      const engine = createSubscriptionEngine({
        store: db().store,
        pollIntervalMs: 100,
        leaseRetryMs: 100,
      });
      engine.add(archiver.subscriber);
      engine.start();
      running.push({ engine, archiver });
      return { engine, archiver };
    }

    /** The cursor of the log's last event. */
    const lastCursor = async () => {
      const log = await collect((await db().openStore()).readAll());
      const last = log.at(-1);
      if (last === undefined) throw new Error('the log is empty');
      return last.cursor;
    };

    it('stores every event of the log once, as stored, in objects by hour and range', async () => {
      await appendSome(db(), 60);
      const sink = await freshSink();
      const name = `lake:${crypto.randomUUID().slice(0, 8)}`;
      const { engine } = startArchiver(sink, name, { maxEvents: 7 });
      expect(await engine.waitUntilCaughtUp(name, await lastCursor(), 20_000)).toBe(true);
      const { log, lake, keys } = await expectLakeIsTheLog(db(), sink);
      expect(lake).toEqual(log);
      expect(keys.length).toBeGreaterThanOrEqual(Math.ceil(log.length / 7));
      expect(lake.some((event) => event.type === 'test.NobodyKnowsMe')).toBe(true);
    });

    it('replays the lake into an empty store of the same kind: the same log, in order', async () => {
      await appendSome(db(), 40);
      const sink = await freshSink();
      const name = `lake:${crypto.randomUUID().slice(0, 8)}`;
      const { engine } = startArchiver(sink, name, { maxEvents: 6 });
      expect(await engine.waitUntilCaughtUp(name, await lastCursor(), 20_000)).toBe(true);
      const { log } = await expectLakeIsTheLog(db(), sink);
      const withoutPlace = (events: readonly StoredEvent[]) =>
        events.map(({ globalPosition: _position, cursor: _cursor, ...event }) => event);
      // A target of the same kind as the source: a fresh schema, or a fresh PGlite.
      const schema = uniqueSchemaName();
      const targets = [
        await createPostgresEventStore({
          driver:
            db().kind === 'pg'
              ? createPgDriver({ connectionString: TEST_DATABASE_URL, schema })
              : await memoryPgliteDriver(),
        }),
      ];
      try {
        for (const target of targets) {
          const report = await replayLake(sink, target.driver);
          expect(report.events).toBe(log.length);
          // `readAll` stops below transactions still open anywhere in the cluster (other tests'
          // on a shared PostgreSQL): the replayed log is read once all of it is readable.
          const replayed = await readUntil(
            () => collect(target.readAll()),
            (events) => events.length >= log.length,
          );
          expect(withoutPlace(replayed)).toEqual(withoutPlace(log));
          await expect(replayLake(sink, target.driver)).rejects.toBeInstanceOf(
            ReplayTargetNotEmptyError,
          );
        }
      } finally {
        for (const target of targets) await target.close();
        if (db().kind === 'pg') await dropSchema(schema);
      }
    });

    it('stores nothing twice when an object was stored but its reply was lost', async () => {
      await appendSome(db(), 30);
      const sink = await freshSink();
      let puts = 0;
      const errors: unknown[] = [];
      const losingReplies: LakeSink = {
        ...sink,
        list: (prefix) => sink.list(prefix),
        get: (key) => sink.get(key),
        async put(key, object) {
          await sink.put(key, object);
          if (++puts === 2) throw new Error('the reply was lost');
        },
      };
      const name = `lake:${crypto.randomUUID().slice(0, 8)}`;
      const { engine } = startArchiver(losingReplies, name, { maxEvents: 5 }, (error) =>
        errors.push(error),
      );
      expect(await engine.waitUntilCaughtUp(name, await lastCursor(), 20_000)).toBe(true);
      const { log, lake } = await expectLakeIsTheLog(db(), sink);
      expect(lake).toEqual(log);
      expect(errors).toHaveLength(1);
    });

    it('a process stopped after storing and before its checkpoint: the next, cutting objects otherwise, stores nothing twice', async () => {
      await appendSome(db(), 45);
      const sink = await freshSink();
      let kill: (error: Error) => void = () => undefined;
      const hung = new Promise<void>((_, reject) => (kill = reject));
      const stored = deferred();
      let puts = 0;
      // The third object is stored, then the process "dies" before hearing so.
      const dying: LakeSink = {
        ...sink,
        list: (prefix) => sink.list(prefix),
        get: (key) => sink.get(key),
        async put(key, object) {
          await sink.put(key, object);
          if (++puts === 3) {
            stored.resolve();
            await hung;
          }
        },
      };
      const name = `lake:${crypto.randomUUID().slice(0, 8)}`;
      const first = startArchiver(dying, name, { maxEvents: 4 });
      await stored.promise;
      const stopped = first.engine.stop();
      first.archiver.stop();
      kill(new Error('killed'));
      await stopped;
      running.splice(0);

      const second = startArchiver(sink, name, { maxEvents: 9 });
      expect(await second.engine.waitUntilCaughtUp(name, await lastCursor(), 20_000)).toBe(true);
      const { log, lake } = await expectLakeIsTheLog(db(), sink);
      expect(lake).toEqual(log);
      expect(await second.engine.parked.list({ subscriber: name })).toEqual([]);
    });
  });
}
