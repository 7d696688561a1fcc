export { defineQuery } from './define.js';
export type {
  DefineQueryOptions,
  QueryDefinition,
  QueryHandler,
  QueryParams,
  QueryResult,
  QueryViews,
} from './define.js';
export {
  ConsistencyTimeoutError,
  UndeclaredProjectionError,
  UnknownPositionError,
} from './errors.js';
export { createQueryRunner } from './query-runner.js';
export type {
  QueryObserver,
  QueryOptions,
  QueryOutcome,
  QueryRunner,
  QueryRunnerOptions,
} from './query-runner.js';
