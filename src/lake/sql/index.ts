export { lakeCatalog, type HourRange, type LakeCatalog } from './catalog.js';
export { EVENT_COLUMNS } from './columns.js';
export {
  compactLake,
  LakeCompactionError,
  type CompactedFile,
  type LakeCompactionOptions,
  type LakeCompactionReport,
} from './compact.js';
export { DUCKDB_PACKAGE, LakeQueryUnavailableError, openDuckDb } from './duckdb.js';
export { planLakeRead, type LakeReadPlan } from './plan.js';
export { LakeQueryError, queryLake, type LakeQueryOptions, type LakeQueryResult } from './query.js';
