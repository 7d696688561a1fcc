import { parseCursor, type Cursor } from '../store/index.js';

/**
 * How object keys name their hour: the seed's `YYYY/MM/DD/HH`, or Hive-style
 * `year=YYYY/month=MM/day=DD/hour=HH` (which query engines read as partition columns).
 */
export type LakeLayout = 'plain' | 'hive';

/** The directory every archived object lives under. */
export const MESSAGES_DIR = 'messages';

const EXTENSION = '.jsonl.gz';

/** The UTC hour `date` falls in, as `YYYY-MM-DDTHH`. */
export function hourOf(date: Date): string {
  return date.toISOString().slice(0, 13);
}

/**
 * The key prefix of an hour (`messages/2026/11/23/04/`) or a day (`2026-11-23`:
 * `messages/2026/11/23/`).
 */
export function hourPrefix(hour: string, layout: LakeLayout): string {
  const parts = [hour.slice(0, 4), hour.slice(5, 7), hour.slice(8, 10), hour.slice(11, 13)];
  const names = ['year', 'month', 'day', 'hour'];
  const named = parts
    .filter((part) => part !== '')
    .map((part, index) => (layout === 'hive' ? `${names[index]}=${part}` : part));
  return `${MESSAGES_DIR}/${named.join('/')}/`;
}

/**
 * The key of the object holding the events from cursor `from` to `to` (both included) of
 * `hour`: derived from the range alone, so a re-run writes the same key.
 */
export function objectKey(hour: string, from: Cursor, to: Cursor, layout: LakeLayout): string {
  return `${hourPrefix(hour, layout)}${from}_${to}${EXTENSION}`;
}

/** What an object's key says about it. */
export interface LakeObjectName {
  readonly key: string;
  readonly hour: string;
  readonly from: Cursor;
  readonly to: Cursor;
}

/** The layout an archived key was written in. */
export const layoutOf = (key: string): LakeLayout => (key.includes('/year=') ? 'hive' : 'plain');

const KEY =
  /^messages\/(?:year=)?(\d{4})\/(?:month=)?(\d{2})\/(?:day=)?(\d{2})\/(?:hour=)?(\d{2})\/(\d{20}-\d{20})_(\d{20}-\d{20})\.jsonl\.gz$/;

/** The hour and range of an archived object's key; `undefined` for any other key. */
export function parseObjectKey(key: string): LakeObjectName | undefined {
  const [, year, month, day, hh, from, to] = KEY.exec(key) ?? [];
  if (from === undefined || to === undefined) return undefined;
  return {
    key,
    hour: `${year}-${month}-${day}T${hh}`,
    from: parseCursor(from),
    to: parseCursor(to),
  };
}

/**
 * A Parquet file `strata lake compact` made of the raw objects of one hour or one day, beside
 * them: `messages/2026/11/23/04/<from>_<to>.parquet` or `messages/2026/11/23/<from>_<to>.parquet`.
 */
export interface CompactedName {
  readonly key: string;
  /** `YYYY-MM-DDTHH` for an hour's file, `YYYY-MM-DD` for a day's. */
  readonly span: string;
  readonly from: Cursor;
  readonly to: Cursor;
}

/** The key of the Parquet file of `span` (an hour or a day) holding cursors `from` to `to`. */
export function compactedKey(span: string, from: Cursor, to: Cursor, layout: LakeLayout): string {
  return `${hourPrefix(span, layout)}${from}_${to}.parquet`;
}

const COMPACTED =
  /^messages\/(?:year=)?(\d{4})\/(?:month=)?(\d{2})\/(?:day=)?(\d{2})\/(?:(?:hour=)?(\d{2})\/)?(\d{20}-\d{20})_(\d{20}-\d{20})\.parquet$/;

/** The span and range of a compacted file's key; `undefined` for any other key. */
export function parseCompactedKey(key: string): CompactedName | undefined {
  const [, year, month, day, hh, from, to] = COMPACTED.exec(key) ?? [];
  if (from === undefined || to === undefined) return undefined;
  const date = `${year}-${month}-${day}`;
  return {
    key,
    span: hh === undefined ? date : `${date}T${hh}`,
    from: parseCursor(from),
    to: parseCursor(to),
  };
}
