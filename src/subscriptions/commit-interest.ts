import { streamCategory, type CommitNotice, type EventFilter } from '../store/index.js';

/** Whether a commit may hold events `filter` selects (an unknown commit may). */
export function concerns(filter: EventFilter, notice: CommitNotice): boolean {
  const { types, streamIds } = notice;
  if (types === undefined || streamIds === undefined) return true;
  const wanted = filter.types;
  const typeMatches = wanted === undefined || types.some((type) => wanted.includes(type));
  const categories = filter.categories;
  const categoryMatches =
    categories === undefined ||
    streamIds.some((streamId) => categories.includes(streamCategory(streamId)));
  return typeMatches && categoryMatches;
}
