import {
  MESSAGES_DIR,
  parseCompactedKey,
  parseObjectKey,
  type CompactedName,
  type LakeObjectName,
} from '../keys.js';
import type { LakeSink } from '../sink.js';

/** UTC hours `YYYY-MM-DDTHH`, both included; either end open. */
export interface HourRange {
  readonly from?: string;
  readonly to?: string;
}

/** What the archive holds: raw objects and compacted files, in key order. */
export interface LakeCatalog {
  readonly raw: readonly LakeObjectName[];
  readonly compacted: readonly CompactedName[];
}

/** The first and last hour of a span (an hour, or a day `YYYY-MM-DD`). */
const hoursOf = (span: string): [string, string] =>
  span.length === 10 ? [`${span}T00`, `${span}T23`] : [span, span];

/** Whether a span overlaps `range`: partition pruning, before anything is read. */
export function spanInRange(span: string, range: HourRange): boolean {
  const [first, last] = hoursOf(span);
  return !(
    (range.from !== undefined && last < range.from) ||
    (range.to !== undefined && first > range.to)
  );
}

/** The archive's objects and compacted files whose hours overlap `range`. */
export async function lakeCatalog(sink: LakeSink, range: HourRange = {}): Promise<LakeCatalog> {
  const raw: LakeObjectName[] = [];
  const compacted: CompactedName[] = [];
  for await (const key of sink.list(`${MESSAGES_DIR}/`)) {
    const object = parseObjectKey(key);
    if (object !== undefined) {
      if (spanInRange(object.hour, range)) raw.push(object);
      continue;
    }
    const file = parseCompactedKey(key);
    if (file !== undefined && spanInRange(file.span, range)) compacted.push(file);
  }
  return { raw, compacted };
}
