import { describe, expect, it } from 'vitest';

import { encodeCursor } from '../../store/index.js';
import { compactedKey, objectKey, parseCompactedKey, parseObjectKey } from '../keys.js';
import { planLakeRead } from './plan.js';

const cursor = (position: number) => encodeCursor(500 + position, position);
const raw = (hour: string, from: number, to: number) =>
  parseObjectKey(objectKey(hour, cursor(from), cursor(to), 'plain'))!;
const parquet = (span: string, from: number, to: number) =>
  parseCompactedKey(compactedKey(span, cursor(from), cursor(to), 'hive'))!;

describe('planLakeRead', () => {
  const objects = [
    raw('2026-11-22T23', 1, 10),
    raw('2026-11-23T04', 11, 20),
    raw('2026-11-23T04', 21, 30),
    raw('2026-11-23T05', 31, 40),
  ];

  it('reads raw objects when nothing is compacted', () => {
    expect(planLakeRead(objects, [])).toEqual({ parquet: [], jsonl: objects });
  });

  it('reads an hour from its file, and objects it does not hold (archived later) raw', () => {
    const hour = parquet('2026-11-23T04', 11, 20);
    expect(planLakeRead(objects, [hour])).toEqual({
      parquet: [hour],
      jsonl: [objects[0], objects[2], objects[3]],
    });
  });

  it('prefers the widest file, and never reads an object twice', () => {
    const older = parquet('2026-11-23T04', 11, 20);
    const wider = parquet('2026-11-23T04', 11, 30);
    const day = parquet('2026-11-23', 11, 40);
    expect(planLakeRead(objects, [older, wider])).toEqual({
      parquet: [wider],
      jsonl: [objects[0], objects[3]],
    });
    expect(planLakeRead(objects, [older, wider, day])).toEqual({
      parquet: [day],
      jsonl: [objects[0]],
    });
  });

  it('does not let a file hold an object of another hour or day within its range', () => {
    // A day's file of the 23rd spans cursors 1–40 but only holds the 23rd's objects.
    const day = parquet('2026-11-23', 1, 40);
    expect(planLakeRead(objects, [day]).jsonl).toEqual([objects[0]]);
  });

  it('parses the keys of hour and day files, plain and Hive-style', () => {
    expect(compactedKey('2026-11-23', cursor(1), cursor(2), 'plain')).toMatch(
      /^messages\/2026\/11\/23\/\d{20}-\d{20}_\d{20}-\d{20}\.parquet$/,
    );
    const hourFile = parquet('2026-11-23T04', 1, 2);
    expect(hourFile.key).toMatch(/^messages\/year=2026\/month=11\/day=23\/hour=04\//);
    expect(hourFile.span).toBe('2026-11-23T04');
    expect(parseObjectKey(compactedKey('2026-11-23T04', cursor(1), cursor(2), 'plain'))).toBe(
      undefined,
    );
    expect(parseCompactedKey(objectKey('2026-11-23T04', cursor(1), cursor(2), 'plain'))).toBe(
      undefined,
    );
  });
});
