import type { PostgresEventStore } from '../store/index.js';
import { applyClaims, type ClaimConflict } from './claims.js';
import { constraintEventTypes, type UniqueConstraintDefinition } from './define.js';

/**
 * Builds the claims of each constraint not backfilled before from the events already in the
 * log, once per database: a constraint declared on an existing system holds for the values its
 * events claimed before it existed. The first claimer in log order keeps a value; later claims
 * of it (duplicates the log already holds) are returned, not refused.
 *
 * Each constraint is backfilled in one transaction holding its advisory lock exclusively;
 * claims and releases of appends take it shared, so they wait for the backfill and then see
 * its claims. Appends by processes that do not declare the constraint are not covered.
 */
export async function backfillUniqueClaims(
  store: PostgresEventStore,
  constraints: readonly UniqueConstraintDefinition[],
): Promise<ClaimConflict[]> {
  const conflicts: ClaimConflict[] = [];
  for (const constraint of constraints) {
    const found = await store.transaction(async (tx) => {
      // The key strata_claim_unique takes shared (see migration 010).
      await tx.sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `strata.unique.${store.driver.schema}.${constraint.name}`,
      ]);
      const done = await tx.sql.query('SELECT 1 FROM unique_constraints WHERE name = $1', [
        constraint.name,
      ]);
      if (done.length > 0) return [];
      const passed: ClaimConflict[] = [];
      for await (const event of tx.readAll({ types: constraintEventTypes(constraint) })) {
        passed.push(...(await applyClaims(tx.sql, [constraint], [event], 'lenient')));
      }
      await tx.sql.query('INSERT INTO unique_constraints (name) VALUES ($1)', [constraint.name]);
      return passed;
    });
    conflicts.push(...found);
  }
  return conflicts;
}
