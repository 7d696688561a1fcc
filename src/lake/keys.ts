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

/** The key prefix of an hour (`messages/2026/11/23/04/`), for listing it. */
export function hourPrefix(hour: string, layout: LakeLayout): string {
  const [year, month, day, hh] = [
    hour.slice(0, 4),
    hour.slice(5, 7),
    hour.slice(8, 10),
    hour.slice(11, 13),
  ];
  const parts =
    layout === 'hive'
      ? [`year=${year}`, `month=${month}`, `day=${day}`, `hour=${hh}`]
      : [year, month, day, hh];
  return `${MESSAGES_DIR}/${parts.join('/')}/`;
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
