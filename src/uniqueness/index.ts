export { backfillUniqueClaims } from './backfill.js';
export type { ClaimConflict } from './claims.js';
export { uniqueClaimsHook } from './claims-hook.js';
export { defineUniqueConstraint } from './define.js';
export type {
  DefineUniqueConstraintOptions,
  UniqueConstraintDefinition,
  ValueOf,
} from './define.js';
export {
  InvalidUniqueConstraintError,
  isUniqueValueTakenError,
  UniqueValueTakenError,
} from './errors.js';
