import type { StoredEvent } from './types.js';

/**
 * An event as plain JSON: what the log's HTTP routes answer and each line of the lake holds.
 * Keys in a fixed order, so the same event always serialises to the same bytes.
 */
export interface EventEnvelope {
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

/** The envelope of `event`. */
export function eventEnvelope(event: StoredEvent): EventEnvelope {
  return {
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
}
