import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { encodeCursor, type StoredEvent } from '../store/index.js';
import { fromLakeLine } from './envelope.js';
import { objectKey, parseObjectKey } from './keys.js';
import { gzipped, lakeObjects, textOf } from './objects.js';

const event = (
  position: number,
  recordedAt: string,
  data: unknown = { n: position },
): StoredEvent => ({
  id: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
  type: 'test.ThingHappened',
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'c' },
  streamId: `thing-${position % 3}`,
  streamVersion: position,
  globalPosition: position,
  cursor: encodeCursor(700 + position, position),
  recordedAt: new Date(recordedAt),
});

const limits = { layout: 'plain', maxEvents: 1_000, maxBytes: 1 << 20 } as const;

describe('lake objects', () => {
  it('cuts a batch at each change of UTC hour, keyed by hour and cursor range', async () => {
    const events = [
      event(1, '2026-11-23T09:59:59.999Z'),
      event(2, '2026-11-23T10:00:00.000Z'),
      event(3, '2026-11-23T10:30:00.000Z'),
      event(4, '2026-11-23T09:59:59.000Z'), // a transaction that began earlier committed later
    ];
    const objects = lakeObjects(events, limits);
    expect(objects.map((object) => object.key)).toEqual([
      `messages/2026/11/23/09/${events[0]!.cursor}_${events[0]!.cursor}.jsonl.gz`,
      `messages/2026/11/23/10/${events[1]!.cursor}_${events[2]!.cursor}.jsonl.gz`,
      `messages/2026/11/23/09/${events[3]!.cursor}_${events[3]!.cursor}.jsonl.gz`,
    ]);
    expect(objects.map((object) => object.count)).toEqual([1, 2, 1]);
    const lines = gunzipSync(await gzipped(objects[1]!))
      .toString()
      .trimEnd()
      .split('\n');
    expect(lines.map(fromLakeLine)).toEqual([events[1], events[2]]);
  });

  it('closes an object at the count limit and at the byte limit', () => {
    const events = Array.from({ length: 7 }, (_, n) =>
      event(n + 1, '2026-11-23T10:00:00Z', { pad: 'x'.repeat(100) }),
    );
    expect(lakeObjects(events, { ...limits, maxEvents: 3 }).map((object) => object.count)).toEqual([
      3, 3, 1,
    ]);
    const oneLine = lakeObjects(events.slice(0, 1), limits)[0]!;
    const lineBytes = Buffer.byteLength(textOf(oneLine));
    expect(
      lakeObjects(events, { ...limits, maxBytes: lineBytes * 2 + 1 }).map((object) => object.count),
    ).toEqual([2, 2, 2, 1]);
    // One event larger than the limit is an object of its own, not an error.
    expect(
      lakeObjects(events.slice(0, 2), { ...limits, maxBytes: 10 }).map((o) => o.count),
    ).toEqual([1, 1]);
  });

  it('gives the same bytes and checksum for the same events, whenever it runs', async () => {
    const events = [event(1, '2026-11-23T10:00:00Z'), event(2, '2026-11-23T10:00:01Z')];
    const [first] = lakeObjects(events, limits);
    const [again] = lakeObjects(structuredClone(events), limits);
    expect(Buffer.from(await gzipped(again!)).equals(Buffer.from(await gzipped(first!)))).toBe(
      true,
    );
    expect(again!.sha256).toBe(first!.sha256);
    expect(first!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gzips a large object in parts, one gzip member each, which read back as one text', async () => {
    // About 3 MiB of lines: three or four parts of about 1 MiB.
    const events = Array.from({ length: 3_000 }, (_, n) =>
      event(n + 1, '2026-11-23T10:00:00Z', { pad: `${n}`.repeat(300).slice(0, 900) }),
    );
    const [object] = lakeObjects(events, { ...limits, maxEvents: 10_000, maxBytes: 1 << 26 });
    expect(object!.parts.length).toBeGreaterThan(2);
    const body = Buffer.from(await gzipped(object!));
    // Each member begins with gzip's magic bytes.
    let members = 0;
    for (
      let at = body.indexOf('1f8b08', 0, 'hex');
      at !== -1;
      at = body.indexOf('1f8b08', at + 1, 'hex')
    )
      members++;
    expect(members).toBeGreaterThanOrEqual(object!.parts.length);
    const text = gunzipSync(body).toString();
    expect(text).toBe(textOf(object!));
    expect(createHash('sha256').update(text).digest('hex')).toBe(object!.sha256);
    expect(text.trimEnd().split('\n').map(fromLakeLine)).toEqual(events);
  });

  it('names hours Hive-style on request, and reads both layouts back', () => {
    const from = encodeCursor(1, 1);
    const to = encodeCursor(2, 5);
    const hive = objectKey('2026-11-23T04', from, to, 'hive');
    expect(hive).toBe(`messages/year=2026/month=11/day=23/hour=04/${from}_${to}.jsonl.gz`);
    expect(parseObjectKey(hive)).toEqual({ key: hive, hour: '2026-11-23T04', from, to });
    const plain = objectKey('2026-11-23T04', from, to, 'plain');
    expect(parseObjectKey(plain)?.hour).toBe('2026-11-23T04');
    expect(parseObjectKey('messages/2026/11/23/04/notes.txt')).toBeUndefined();
  });
});
