import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  compactLake,
  gzipped,
  lakeObjects,
  LakeQueryError,
  queryLake,
  type LakeLayout,
  type LakeSink,
} from '../../../src/lake/index.js';
import { encodeCursor, type StoredEvent } from '../../../src/store/index.js';
import type { TestSink, TestSinkFactory } from './lake-fixture.js';

const TYPES = ['shop.OrderPlaced', 'shop.OrderPaid', 'shop.OrderShipped'] as const;

/**
 * `count` events from `start` (a position), `perHour` to an hour from `firstHour` on: types in
 * turn, data with nesting and text a JSON parser must get right.
 */
function events(start: number, count: number, firstHour: string, perHour: number): StoredEvent[] {
  const base = new Date(`${firstHour}:00:00Z`).getTime();
  return Array.from({ length: count }, (_, index) => {
    const position = start + index;
    return {
      id: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
      type: TYPES[position % TYPES.length]!,
      schemaVersion: 1 + (position % 2),
      streamId: `order-${position % 7}`,
      streamVersion: Math.floor(position / 7) + 1,
      globalPosition: position,
      cursor: encodeCursor(1_000 + position, position),
      recordedAt: new Date(base + Math.floor(index / perHour) * 3_600_000 + (index % perHour)),
      data: { n: position, lines: [{ sku: `s-${position}`, qty: 2 }], note: 'ünï "q", \n ok' },
      metadata: { correlationId: `c-${position % 3}` },
    };
  });
}

/** Stores `batch` as the archiver would: cut by hour and count, gzipped, with metadata. */
async function archive(sink: LakeSink, batch: StoredEvent[], layout: LakeLayout = 'plain') {
  for (const object of lakeObjects(batch, { layout, maxEvents: 40, maxBytes: 1 << 20 })) {
    await sink.put(object.key, {
      body: await gzipped(object),
      count: object.count,
      sha256: object.sha256,
    });
  }
}

/** Per type and hour, what `events` holds: the answer the lake's SQL must give. */
function countsByTypeAndHour(batch: readonly StoredEvent[]) {
  const counts = new Map<string, number>();
  for (const event of batch) {
    const key = `${event.type}|${event.recordedAt.toISOString().slice(0, 13)}:00:00.000Z`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => [...key.split('|'), count]).sort();
}

const BY_TYPE_AND_HOUR =
  "SELECT type, strftime(date_trunc('hour', recorded_at), '%Y-%m-%dT%H:%M:%S.000Z') AS hour, " +
  'count(*) AS events FROM events GROUP BY ALL ORDER BY ALL';

/** SQL over the lake and its Parquet compaction, on one kind of sink. */
export function lakeSqlContract(freshSink: TestSinkFactory) {
  let cacheDir: string;
  let current: TestSink | undefined;
  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'strata-lake-cache-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    current?.sink.close();
    await current?.remove();
    current = undefined;
  });
  const sink = async () => {
    current = await freshSink();
    return current.sink;
  };

  // Three hours of one day, two of the next: 500 events in 15 objects of up to 40.
  const day1 = () => events(1, 300, '2026-03-01T20', 100);
  const day2 = () => events(301, 200, '2026-03-02T00', 100);

  describe('strata lake query and compact', () => {
    it('answers SQL over every event, by type and hour, with the envelope intact', async () => {
      const lake = await sink();
      await rm(cacheDir, { recursive: true, force: true });
      const all = [...day1(), ...day2()];
      await archive(lake, all);
      const result = await queryLake(lake, BY_TYPE_AND_HOUR, { cacheDir });
      expect(result.columns).toEqual(['type', 'hour', 'events']);
      expect([...result.rows].sort()).toEqual(countsByTypeAndHour(all));
      expect(result.read).toEqual({ parquet: 0, jsonl: 15 });
      // A remote lake's objects are fetched into the cache (a directory's are read in place).
      const cached = (await cachedFiles(cacheDir)).filter((file) => file.endsWith('.jsonl.gz'));
      expect(cached).toHaveLength(lake.localFile === undefined ? 15 : 0);
      // Every field of one event as archived, JSON included.
      const [row] = (
        await queryLake(
          lake,
          `SELECT id, type, schema_version, stream_id, stream_version, global_position, cursor,
             recorded_at, data->>'$.note' AS note, data->'$.lines'->0->>'sku' AS sku,
             metadata->>'$.correlationId' AS correlation FROM events WHERE global_position = 123`,
          { cacheDir },
        )
      ).rows;
      const event = all[122]!;
      expect(row).toEqual([
        event.id,
        event.type,
        event.schemaVersion,
        event.streamId,
        event.streamVersion,
        123,
        event.cursor,
        event.recordedAt.toISOString(),
        'ünï "q", \n ok',
        's-123',
        'c-0',
      ]);
    });

    it('opens only the hours asked for (partition pruning)', async () => {
      const lake = await sink();
      await archive(lake, [...day1(), ...day2()]);
      const result = await queryLake(lake, 'SELECT count(*), min(global_position) FROM events', {
        cacheDir,
        from: '2026-03-01T22',
        to: '2026-03-02T00',
      });
      expect(result.rows).toEqual([[200, 201]]);
      // 100 events an hour in objects of 40: three objects an hour.
      expect(result.read).toEqual({ parquet: 0, jsonl: 6 });
    });

    it('compacts each hour into Parquet, which queries then read instead, with the same answers', async () => {
      const lake = await sink();
      const all = [...day1(), ...day2()];
      await archive(lake, all);
      const before = await queryLake(lake, BY_TYPE_AND_HOUR, { cacheDir });
      const report = await compactLake(lake, { by: 'hour', cacheDir });
      expect(report.written.map((file) => [file.events, file.objects])).toEqual(
        Array.from({ length: 5 }, () => [100, 3]),
      );
      expect(report.written[0]!.key).toMatch(
        /^messages\/2026\/03\/01\/20\/\d{20}-\d{20}_\d{20}-\d{20}\.parquet$/,
      );
      expect((await lake.metadata(report.written[0]!.key))?.count).toBe(100);
      const after = await queryLake(lake, BY_TYPE_AND_HOUR, { cacheDir });
      expect(after.rows).toEqual(before.rows);
      expect(after.read).toEqual({ parquet: 5, jsonl: 0 });
      const sample = `SELECT id, recorded_at, data, metadata FROM events ORDER BY cursor`;
      expect((await queryLake(lake, sample, { cacheDir })).rows).toEqual(
        all.map((event) => [
          event.id,
          event.recordedAt.toISOString(),
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ]),
      );
      expect(await compactLake(lake, { by: 'hour', cacheDir })).toEqual({
        written: [],
        upToDate: 5,
      });
    });

    it('reads objects archived after the compaction as well, and a wider file once compacted again', async () => {
      const lake = await sink();
      await archive(lake, events(1, 150, '2026-03-01T22', 100));
      await compactLake(lake, { by: 'hour', cacheDir });
      // The second hour gets 50 more events later (later cursors, same hour).
      await archive(lake, events(151, 50, '2026-03-01T23', 100));
      const count = 'SELECT count(*), count(DISTINCT id) FROM events';
      const late = await queryLake(lake, count, { cacheDir });
      expect(late.rows).toEqual([[200, 200]]);
      expect(late.read).toEqual({ parquet: 2, jsonl: 2 });
      const again = await compactLake(lake, { by: 'hour', cacheDir });
      expect(again.upToDate).toBe(1);
      expect(again.written.map((file) => file.events)).toEqual([100]);
      const wider = await queryLake(lake, count, { cacheDir });
      expect(wider.rows).toEqual([[200, 200]]);
      // The older, narrower file of that hour is left unread.
      expect(wider.read).toEqual({ parquet: 2, jsonl: 0 });
    });

    it('compacts by day, beside the hours, and reads each event once', async () => {
      const lake = await sink();
      const all = [...day1(), ...day2()];
      await archive(lake, all, 'hive');
      await compactLake(lake, { by: 'hour', cacheDir, from: '2026-03-01T20', to: '2026-03-01T20' });
      const report = await compactLake(lake, { by: 'day', cacheDir });
      expect(report.written.map((file) => [file.key.slice(0, 40), file.events])).toEqual([
        ['messages/year=2026/month=03/day=01/00000', 300],
        ['messages/year=2026/month=03/day=02/00000', 200],
      ]);
      const result = await queryLake(lake, BY_TYPE_AND_HOUR, { cacheDir });
      expect([...result.rows].sort()).toEqual(countsByTypeAndHour(all));
      expect(result.read).toEqual({ parquet: 2, jsonl: 0 });
      // One hour asked for: the day's file is opened and cut to that hour.
      const hour = await queryLake(lake, 'SELECT count(*) FROM events', {
        cacheDir,
        from: '2026-03-02T01',
        to: '2026-03-02T01',
      });
      expect(hour.rows).toEqual([[100]]);
    });

    it('answers over an empty lake, and names what is wrong with bad SQL', async () => {
      const lake = await sink();
      const empty = await queryLake(lake, 'SELECT count(*) FROM events', { cacheDir });
      expect(empty.rows).toEqual([[0]]);
      await archive(lake, day1());
      const error = await queryLake(lake, 'SELECT nope FROM events', { cacheDir }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(LakeQueryError);
      expect((error as Error).message).toMatch(/nope/);
    });
  });
}

/** The files a cache directory holds, relative. */
export async function cachedFiles(cacheDir: string): Promise<string[]> {
  const entries = await readdir(cacheDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}
