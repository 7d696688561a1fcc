import type { MessageRegistry } from '../../messages/index.js';
import { UnknownMessageError } from '../../messages/index.js';
import { encodeCursor } from '../cursor.js';
import { UndecodableEventError } from '../errors.js';
import type { EventMetadata, LogEntry, StoredEvent } from '../types.js';

/** A row of `events` as the read queries select it. */
export interface EventRow {
  readonly global_position: number;
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly type: string;
  readonly schema_version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly recorded_at: Date;
  readonly transaction_id: number;
}

/** The columns `EventRow` needs, for the read queries. */
export const EVENT_COLUMNS = `global_position, event_id, stream_id, stream_version, type,
  schema_version, data, metadata, recorded_at, transaction_id`;

/** The event exactly as stored: no upcasting. */
function asStored(row: EventRow): StoredEvent {
  return {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    cursor: encodeCursor(row.transaction_id, row.global_position),
    recordedAt: row.recorded_at,
  };
}

/**
 * Turns a row into an event in its current shape. Decoding one event never fails a page: an
 * event that cannot be decoded comes back as stored, with the reason, for the reader to judge
 * (the log reads pass unknown types through and refuse unreadable data; subscribers park both).
 */
export function decodeRow(row: EventRow, registry: MessageRegistry | undefined): LogEntry {
  const stored = asStored(row);
  if (registry === undefined) return { event: stored };
  const definition = registry.get(row.type);
  if (definition?.kind !== 'event') {
    const cause = new UnknownMessageError(row.type, 'event');
    return { event: stored, problem: new UndecodableEventError('unknown-type', stored, { cause }) };
  }
  try {
    const data = registry.upcast(row.type, row.schema_version, row.data);
    return { event: { ...stored, schemaVersion: definition.version, data } };
  } catch (cause) {
    return { event: stored, problem: new UndecodableEventError('unreadable', stored, { cause }) };
  }
}

/**
 * The event for the log reads (`readAll`, `readStream`): an unknown type passes through as
 * stored; unreadable data throws `UndecodableEventError` naming the event.
 */
export function eventOf(entry: LogEntry): StoredEvent {
  if (entry.problem !== undefined && entry.problem.reason !== 'unknown-type') throw entry.problem;
  return entry.event;
}
