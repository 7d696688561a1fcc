import type { StoredEvent } from '../store/index.js';
import { parseCursor } from '../store/index.js';

/**
 * One archived event: the full envelope, as stored (the schema version it was written in, its
 * data unchanged), so the archive can rebuild a store exactly.
 */
export interface LakeEnvelope {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly cursor: string;
  /** RFC 3339, UTC. */
  readonly recordedAt: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The JSON line of `event` (without its newline): keys in a fixed order, so bytes repeat. */
export function toLakeLine(event: StoredEvent): string {
  const envelope: LakeEnvelope = {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    cursor: event.cursor,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
  return JSON.stringify(envelope);
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
