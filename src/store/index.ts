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
  isStoreUnavailable,
  StoreUnavailableError,
  TransactionCounterBehindError,
  TransactionRolledBackError,
  UndecodableEventError,
} from './errors.js';
export type { UnavailableReason } from './errors.js';
export type { Availability } from './postgres/availability.js';
export { describeHolder } from './postgres/horizon.js';
export type { HorizonHolder, HorizonReport } from './postgres/horizon.js';
export { createPgDriver } from './postgres/drivers/pg.js';
export type { PgDriverOptions } from './postgres/drivers/pg.js';
export { createPgliteDriver } from './postgres/drivers/pglite.js';
export type { PgliteDriverOptions } from './postgres/drivers/pglite.js';
export { DataDirectoryLockedError } from './postgres/drivers/directory-lock.js';
export type { Lease, LeaseHolder, SqlDriver, SqlExecutor } from './postgres/drivers/types.js';
export { createPostgresEventStore } from './postgres/event-store.js';
export type {
  AppendHook,
  PostgresEventStore,
  AppendObserver,
  AppendOutcome,
  PostgresEventStoreOptions,
  TransactionalEventStore,
} from './postgres/store-types.js';
export { loadMigrations, migrate } from './postgres/migrate.js';
export type { Migration, MigrationReport } from './postgres/migrate.js';
export { MAX_STREAM_ID_LENGTH, streamCategory } from './stream-id.js';
export { ANY, expectedVersionHolds, NO_STREAM, STREAM_EXISTS } from './expected-version.js';
export type { ExpectedVersion } from './expected-version.js';
export type {
  AppendedEvent,
  AppendOptions,
  AppendResult,
  Backlog,
  BacklogOptions,
  CommandRecord,
  CommitNotice,
  EventFilter,
  EventMetadata,
  EventStore,
  ListStreamsOptions,
  LogEntry,
  LogPage,
  StreamSummary,
  NewEvent,
  ReadAllOptions,
  ReadPageOptions,
  ReadStreamOptions,
  RecordedCommand,
  Snapshot,
  SnapshotStore,
  StoredEvent,
  Unsubscribe,
} from './types.js';
export type { StoredEventNamed } from './stored-event-named.js';
export { readCommittedLog, restoreEvents } from './postgres/restore.js';
export { eventEnvelope, type EventEnvelope } from './envelope.js';
