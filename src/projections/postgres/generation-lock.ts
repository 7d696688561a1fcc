import type { SqlExecutor } from '../../store/index.js';
import type { Storage } from '../views.js';

/**
 * Serialises the writers of an inline projection's generation until their transactions end:
 * the append hooks and the generation's subscriber batches. After taking the lock every read
 * sees the previous holder's committed writes, so two appends that bump the same document (a
 * total) both land, and the hook's "may it apply now" check cannot change under it. An append
 * locks the generations of several projections one after another in projection name order,
 * the same in every process, and a subscriber batch locks only its own, so no two
 * transactions wait on each other in a circle. The key includes the schema: advisory locks
 * are database-wide.
 */
export async function lockGeneration(sql: SqlExecutor, storage: Storage): Promise<void> {
  await sql.query(
    `SELECT pg_advisory_xact_lock(hashtext('strata.projection.' || current_schema() || '.' || $1))`,
    [storage.documents],
    'strata_lock_generation',
  );
}
