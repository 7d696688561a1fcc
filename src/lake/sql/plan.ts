import type { CompactedName, LakeObjectName } from '../keys.js';

/** What a read of the archive opens: compacted Parquet files, and raw objects none covers. */
export interface LakeReadPlan {
  readonly parquet: readonly CompactedName[];
  readonly jsonl: readonly LakeObjectName[];
}

/** Whether the compacted file `file` holds the raw object `object`. */
export const holds = (file: CompactedName, object: LakeObjectName): boolean =>
  object.hour.startsWith(file.span) && file.from <= object.from && object.to <= file.to;

/**
 * The files to read for `raw` (the archive's objects) given the Parquet files `compacted` made
 * of them: each event once, Parquet preferred. A file is taken, widest first, when it holds
 * raw objects and none of them is held by a file already taken (an hour compacted again after
 * more objects came overlaps its older file, and a day's file overlaps its hours' files); raw
 * objects no taken file holds — those archived after the compaction — are read as JSON lines.
 */
export function planLakeRead(
  raw: readonly LakeObjectName[],
  compacted: readonly CompactedName[],
): LakeReadPlan {
  const candidates = compacted
    .map((file) => ({ file, held: raw.filter((object) => holds(file, object)) }))
    .filter((candidate) => candidate.held.length > 0)
    .sort((a, b) => b.held.length - a.held.length || a.file.span.length - b.file.span.length);
  const covered = new Set<string>();
  const parquet: CompactedName[] = [];
  for (const { file, held } of candidates) {
    if (held.some((object) => covered.has(object.key))) continue;
    parquet.push(file);
    for (const object of held) covered.add(object.key);
  }
  return { parquet, jsonl: raw.filter((object) => !covered.has(object.key)) };
}
