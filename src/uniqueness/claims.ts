import { ANY, ConcurrencyError, type SqlExecutor, type StoredEvent } from '../store/index.js';
import type { UniqueConstraintDefinition, ValueOf } from './define.js';
import { UniqueValueTakenError } from './errors.js';

/** SQLSTATE `strata_claim_unique` raises for a value another stream holds (holder in DETAIL). */
const VALUE_TAKEN = 'SU001';
/** Two appends claiming values in opposite orders wait for each other; PostgreSQL aborts one. */
const DEADLOCK_DETECTED = '40P01';

/** A value the log claims for a stream while another stream holds it (found by a backfill). */
export interface ClaimConflict {
  readonly scope: string;
  readonly value: string;
  readonly owner: string;
  /** The stream whose event claimed it second, and that event's position. */
  readonly claimant: string;
  readonly globalPosition: number;
}

/**
 * `strict`: a taken value throws `UniqueValueTakenError` and aborts the transaction (appends).
 * `lenient`: the first claimer keeps it and the conflict is returned (backfilling a log that
 * may already hold duplicates).
 */
export type ClaimMode = 'strict' | 'lenient';

/**
 * Applies the claims and releases `events` make under `constraints`, in event order, on `sql`
 * (the append's transaction). Returns the conflicts a lenient run passed over.
 */
export async function applyClaims(
  sql: SqlExecutor,
  constraints: readonly UniqueConstraintDefinition[],
  events: readonly StoredEvent[],
  mode: ClaimMode,
): Promise<ClaimConflict[]> {
  const conflicts: ClaimConflict[] = [];
  for (const event of events) {
    for (const constraint of constraints) {
      const release = constraint.releases[event.type];
      if (release !== undefined) await releaseValue(sql, constraint, event, release);
      const claim = constraint.claims[event.type];
      const value = claim === undefined ? undefined : valueOf(constraint, claim, event);
      if (value === undefined) continue;
      const conflict = await claimValue(sql, constraint, event, value, mode);
      if (conflict !== undefined) conflicts.push(conflict);
    }
  }
  return conflicts;
}

async function claimValue(
  sql: SqlExecutor,
  constraint: UniqueConstraintDefinition,
  event: StoredEvent,
  value: string,
  mode: ClaimMode,
): Promise<ClaimConflict | undefined> {
  let holder: string | undefined;
  try {
    const [row] = await sql.query<{ holder: string }>(
      'SELECT strata_claim_unique($1, $2, $3, $4, $5) AS holder',
      [constraint.name, value, event.streamId, constraint.perOwner === 'one', mode === 'strict'],
      'strata_claim_unique',
    );
    holder = row?.holder;
  } catch (error) {
    const fields = error as { code?: string; detail?: string } | undefined;
    if (fields?.code === DEADLOCK_DETECTED) {
      // A lost race like any other: retried (unpinned appends, commands), then decided anew.
      throw new ConcurrencyError(event.streamId, ANY, undefined, { cause: error });
    }
    if (fields?.code !== VALUE_TAKEN) throw error;
    throw new UniqueValueTakenError(constraint.name, value, fields.detail ?? '', { cause: error });
  }
  if (holder === undefined || holder === event.streamId) return undefined;
  return {
    scope: constraint.name,
    value,
    owner: holder,
    claimant: event.streamId,
    globalPosition: event.globalPosition,
  };
}

async function releaseValue(
  sql: SqlExecutor,
  constraint: UniqueConstraintDefinition,
  event: StoredEvent,
  release: 'all' | ValueOf<never>,
): Promise<void> {
  let values: string[] | null = null;
  if (release !== 'all') {
    const value = valueOf(constraint, release, event);
    if (value === undefined) return;
    values = [value];
  }
  await sql.query(
    'SELECT strata_release_unique($1, $2, $3::text[])',
    [constraint.name, event.streamId, values],
    'strata_release_unique',
  );
}

/** The normalised value `pick` finds in `event`; `undefined` (or null) means none. */
function valueOf(
  constraint: UniqueConstraintDefinition,
  pick: ValueOf<never>,
  event: StoredEvent,
): string | undefined {
  const raw = (pick as ValueOf)(event) as unknown;
  if (raw === undefined || raw === null) return undefined;
  // Data from the log is JSON: an order number may be stored as a number.
  return constraint.normalize(typeof raw === 'string' ? raw : JSON.stringify(raw));
}
