export { ARCHIVER_SUBSCRIBER, createLakeArchiver } from './archiver.js';
export type { LakeArchiver, LakeArchiverOptions, LakeArchiverStatus } from './archiver.js';
export { fromLakeLine, toLakeLine, type LakeEnvelope } from './envelope.js';
export {
  compactedKey,
  hourOf,
  parseCompactedKey,
  type CompactedName,
  hourPrefix,
  MESSAGES_DIR,
  objectKey,
  parseObjectKey,
  type LakeLayout,
  type LakeObjectName,
} from './keys.js';
export { gzipped, lakeObjects, type LakeObject, type ObjectLimits } from './objects.js';
export type { LakeObjectMetadata, LakeSink, StoredLakeObject } from './sink.js';
export { directorySink } from './sinks/directory.js';
export { s3Sink, type S3Location } from './sinks/s3.js';
export { openLakeSink, type LakeS3Settings } from './location.js';
export { verifyLake, type LakeHourReport, type LakeReport } from './verify.js';
export {
  replayLake,
  ReplayMismatchError,
  ReplayTargetNotEmptyError,
  type ReplayReport,
} from './replay.js';
export {
  compactLake,
  DUCKDB_PACKAGE,
  lakeCatalog,
  LakeCompactionError,
  LakeQueryError,
  LakeQueryUnavailableError,
  queryLake,
  type HourRange,
  type LakeCompactionReport,
  type LakeQueryResult,
} from './sql/index.js';
