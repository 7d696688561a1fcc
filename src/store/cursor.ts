import { InvalidCursorError } from './errors.js';

/**
 * A position in the log's read order, as an opaque token. Tokens compare with plain string
 * comparison (`a < b` means `a` comes first), so callers can store and compare them as text.
 */
export type Cursor = string & { readonly __brand: 'strata.Cursor' };

// The read order is (transaction id, global position); both are unsigned 64-bit integers,
// written as fixed-width decimals so that string order equals numeric order.
const WIDTH = 20;
const CURSOR = /^(\d{20})-(\d{20})$/;

/** The cursor before the first event of the log. */
export const LOG_START = encodeCursor('0', 0);

/** The cursor of the event with this transaction id and global position. */
export function encodeCursor(
  transactionId: number | string,
  globalPosition: number | string,
): Cursor {
  return `${String(transactionId).padStart(WIDTH, '0')}-${String(globalPosition).padStart(WIDTH, '0')}` as Cursor;
}

/** The cursor's parts, as decimal strings; throws `InvalidCursorError` for a malformed token. */
export function decodeCursor(cursor: string): { transactionId: string; globalPosition: string } {
  const match = CURSOR.exec(cursor);
  if (match?.[1] === undefined || match[2] === undefined) throw new InvalidCursorError(cursor);
  return { transactionId: trimZeros(match[1]), globalPosition: trimZeros(match[2]) };
}

/** Checks that `cursor` is a well-formed token and returns it typed. */
export function parseCursor(cursor: string): Cursor {
  decodeCursor(cursor);
  return cursor as Cursor;
}

/** Negative when `a` comes before `b`, positive after, 0 when equal. */
export function compareCursors(a: Cursor, b: Cursor): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function trimZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}
