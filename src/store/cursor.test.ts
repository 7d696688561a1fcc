import { describe, expect, it } from 'vitest';

import { compareCursors, decodeCursor, encodeCursor, LOG_START, parseCursor } from './cursor.js';
import { InvalidCursorError } from './errors.js';

describe('log cursors', () => {
  it('round-trips the transaction id and position', () => {
    const cursor = encodeCursor('18446744073709551615', 9_007_199_254_740_991);
    expect(decodeCursor(cursor)).toEqual({
      transactionId: '18446744073709551615',
      globalPosition: '9007199254740991',
    });
    expect(decodeCursor(LOG_START)).toEqual({ transactionId: '0', globalPosition: '0' });
  });

  it('orders by transaction id first, then position, as plain strings', () => {
    const ordered = [
      LOG_START,
      encodeCursor(9, 100),
      encodeCursor(10, 5),
      encodeCursor(10, 6),
      encodeCursor(200, 1),
    ];
    expect([...ordered].reverse().sort()).toEqual(ordered);
    expect(compareCursors(encodeCursor(9, 100), encodeCursor(10, 5))).toBe(-1);
    expect(compareCursors(encodeCursor(10, 6), encodeCursor(10, 5))).toBe(1);
    expect(compareCursors(encodeCursor(10, 6), encodeCursor(10, 6))).toBe(0);
  });

  it.each(['', '42', '1-2', `${'0'.repeat(20)}-${'x'.repeat(20)}`, `${LOG_START} `])(
    'refuses %j',
    (token) => {
      expect(() => parseCursor(token)).toThrow(InvalidCursorError);
    },
  );
});
