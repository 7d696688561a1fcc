import { describe, expect, it } from 'vitest';

import { ConcurrencyError, type Cursor, type StoredEvent } from '../../../src/store/index.js';
import { readUntil } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';
import { freshStreamId, happened } from '../../support/test-messages.js';

const WRITERS = 16;
const APPENDS_PER_WRITER = 500;
const STREAMS = 50;

export function concurrencyContract(db: () => TestDatabase): void {
  describe('concurrency', () => {
    it(`keeps ${STREAMS} streams gapless under ${WRITERS} writers while a reader sees every event once, in order`, async () => {
      const { store, driver } = db();
      const category = `load${crypto.randomUUID().slice(0, 8)}`;
      const streamIds = Array.from({ length: STREAMS }, (_, index) => `${category}-${index}`);
      const appendedIds = new Set<string>();
      let writing = true;

      const writer = async (writerIndex: number): Promise<void> => {
        for (let index = 0; index < APPENDS_PER_WRITER; index++) {
          const streamId = streamIds[Math.floor(Math.random() * STREAMS)]!;
          const events =
            index % 10 === 0 ? [happened(index), happened(index + 1)] : [happened(index)];
          try {
            // Half the writers pin the version they read (and lose races); half append at the end.
            const expectedVersion =
              writerIndex % 2 === 0 ? await store.streamVersion(streamId) : undefined;
            const result = await store.appendToStream(streamId, events, { expectedVersion });
            for (const event of result.events) appendedIds.add(event.id);
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
          }
        }
      };

      const seen: StoredEvent[] = [];
      let cursor: Cursor | undefined;
      const readOnce = async (): Promise<number> => {
        for await (const event of store.readAll({ after: cursor, categories: [category] })) {
          seen.push(event);
          cursor = event.cursor;
        }
        return seen.length;
      };
      const reader = async (): Promise<void> => {
        while (writing) {
          await readOnce();
          await new Promise((wake) => setTimeout(wake, 2));
        }
      };

      const reading = reader();
      await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
      writing = false;
      await reading;
      await readUntil(readOnce, (count) => count >= appendedIds.size);

      // The store: every stream's versions are 1..n, and it holds exactly the acknowledged events.
      const rows = await driver.query<{ stream_id: string; versions: number[] }>(
        `SELECT stream_id, array_agg(stream_version ORDER BY stream_version) AS versions
           FROM events WHERE stream_id LIKE $1 GROUP BY stream_id`,
        [`${category}-%`],
      );
      let stored = 0;
      for (const row of rows) {
        expect(row.versions).toEqual(
          Array.from({ length: row.versions.length }, (_, index) => index + 1),
        );
        stored += row.versions.length;
      }
      expect(stored).toBe(appendedIds.size);
      expect(appendedIds.size).toBeGreaterThan(WRITERS * APPENDS_PER_WRITER * 0.5);

      // The reader: each acknowledged event exactly once, each stream in version order.
      const seenIds = seen.map((event) => event.id);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect(new Set(seenIds)).toEqual(appendedIds);
      const lastVersion = new Map<string, number>();
      for (const event of seen) {
        expect(event.streamVersion).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
        lastVersion.set(event.streamId, event.streamVersion);
      }
    });

    it('lets exactly one of 50 concurrent appends at the same expected version win', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(0)]);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, index) =>
          store.appendToStream(streamId, [happened(index + 1)], { expectedVersion: 1 }),
        ),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome): unknown[] =>
        outcome.status === 'rejected' ? [outcome.reason] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(49);
      for (const error of lost) {
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId, expected: 1, actual: 2 });
      }
      expect((await store.readStream(streamId)).map((event) => event.streamVersion)).toEqual([
        1, 2,
      ]);
    });
  });
}
