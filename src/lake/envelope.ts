import {
  eventEnvelope,
  parseCursor,
  type EventEnvelope,
  type StoredEvent,
} from '../store/index.js';

/** One archived event: the full envelope, as stored (its own schema version, data unchanged). */
export type LakeEnvelope = EventEnvelope;

/** The JSON line of `event` (without its newline): keys in a fixed order, so bytes repeat. */
export function toLakeLine(event: StoredEvent): string {
  return JSON.stringify(eventEnvelope(event));
}

/** The event a line of the archive holds. */
export function fromLakeLine(line: string): StoredEvent {
  const envelope = JSON.parse(line) as LakeEnvelope;
  return {
    id: envelope.id,
    type: envelope.type,
    schemaVersion: envelope.schemaVersion,
    streamId: envelope.streamId,
    streamVersion: envelope.streamVersion,
    globalPosition: envelope.globalPosition,
    cursor: parseCursor(envelope.cursor),
    recordedAt: new Date(envelope.recordedAt),
    data: envelope.data,
    metadata: envelope.metadata,
  };
}
