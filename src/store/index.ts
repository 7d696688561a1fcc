export { compareCursors, decodeCursor, encodeCursor, LOG_START, parseCursor } from './cursor.js';
export type { Cursor } from './cursor.js';
export {
  ConcurrencyError,
  DuplicateCommandError,
  EventTooLargeError,
  InvalidArgumentError,
  InvalidCursorError,
  InvalidStreamIdError,
  isConcurrencyError,
} from './errors.js';
export { createPgDriver } from './postgres/drivers/pg.js';
export type { PgDriverOptions } from './postgres/drivers/pg.js';
export { createPgliteDriver } from './postgres/drivers/pglite.js';
export type { PgliteDriverOptions } from './postgres/drivers/pglite.js';
export { DataDirectoryLockedError } from './postgres/drivers/directory-lock.js';
export type { Lease, SqlDriver, SqlExecutor } from './postgres/drivers/types.js';
export { createPostgresEventStore } from './postgres/event-store.js';
export type {
  AppendHook,
  PostgresEventStore,
  PostgresEventStoreOptions,
  TransactionalEventStore,
} from './postgres/event-store.js';
export { loadMigrations, migrate } from './postgres/migrate.js';
export type { Migration, MigrationReport } from './postgres/migrate.js';
export { MAX_STREAM_ID_LENGTH, streamCategory } from './stream-id.js';
export { ANY, NO_STREAM, STREAM_EXISTS } from './types.js';
export type {
  AppendedEvent,
  AppendOptions,
  AppendResult,
  Backlog,
  CommandRecord,
  CommitNotice,
  EventFilter,
  EventMetadata,
  EventStore,
  ListStreamsOptions,
  StreamSummary,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedCommand,
  Snapshot,
  SnapshotStore,
  StoredEvent,
  Unsubscribe,
} from './types.js';
