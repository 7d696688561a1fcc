import type { AppendHook, AppendResult, TransactionalEventStore } from '../store/index.js';
import { applyClaims } from './claims.js';
import { constraintEventTypes, type UniqueConstraintDefinition } from './define.js';
import { InvalidUniqueConstraintError } from './errors.js';

/**
 * The append hook enforcing `constraints`: every append of an event that claims or releases a
 * value does so in its own transaction, so the append and its claims commit together or not at
 * all. Register it with `store.addAppendHook` (`createSystem` does, for the app's constraints).
 */
export function uniqueClaimsHook(constraints: readonly UniqueConstraintDefinition[]): AppendHook {
  const names = new Set<string>();
  for (const { name } of constraints) {
    if (names.has(name)) throw new InvalidUniqueConstraintError(name, 'it is declared twice');
    names.add(name);
  }
  const types = new Set(constraints.flatMap(constraintEventTypes));
  return {
    wants: (appended) => appended.some((type) => types.has(type)),
    // The events as stored (validated, upcast): what a backfill from the log would see.
    async afterAppend(tx: TransactionalEventStore, _appended: AppendResult, events) {
      const relevant = events.filter((event) => types.has(event.type));
      await applyClaims(tx.sql, constraints, relevant, 'strict');
    },
  };
}
