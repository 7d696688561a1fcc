export { defineProjection } from './define.js';
export type {
  DefineProjectionOptions,
  ProjectionDefinition,
  ProjectionHandler,
  ProjectionHandlers,
} from './define.js';
export type {
  Document,
  DocumentCollection,
  DocumentReader,
  FindQuery,
  OrderBy,
  Where,
} from './documents.js';
export {
  DocumentExistsError,
  InvalidProjectionError,
  InvalidViewQueryError,
  ProjectionNotReadyError,
  ProjectionSupersededError,
  UnknownProjectionError,
} from './errors.js';
export { projectionSubscriber } from './generation.js';
export { createProjectionRuntime } from './runtime.js';
export type { AbandonedBuild } from './rebuild.js';
export type { Rebuild, RebuildProgress } from './rebuild-watcher.js';
export type { ProjectionRuntime, ProjectionRuntimeOptions } from './runtime.js';
export type { ViewReader, ViewWriter } from './views.js';
export { readProjectionRows } from './postgres/storage.js';
export type { ProjectionRow } from './postgres/storage.js';
