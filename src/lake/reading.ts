import type { LakeObjectName } from './keys.js';
import type { LakeSink } from './sink.js';
import { lakeCatalog } from './sql/catalog.js';

/** The archive's objects in read order: by first cursor, then last (keys sort by hour first). */
export async function objectsInReadOrder(sink: LakeSink): Promise<LakeObjectName[]> {
  const names = [...(await lakeCatalog(sink)).raw];
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return names.sort((a, b) => order(a.from, b.from) || order(a.to, b.to));
}

/** The JSON lines of an object's text: each ends in a newline. */
export const linesOf = (text: string): string[] =>
  text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
