import type { StoredEvent } from '../../store/index.js';

/**
 * The body of a delivery, in the Standard Webhooks shape — `type`, `timestamp`, `data` — with
 * where the event sits in Strata beside them (its stream, version and position, and the ids that
 * tie it to the command and conversation it belongs to).
 */
export function webhookBody(event: StoredEvent): string {
  const { correlationId, causationId } = event.metadata as {
    correlationId?: unknown;
    causationId?: unknown;
  };
  return JSON.stringify({
    type: event.type,
    timestamp: event.recordedAt.toISOString(),
    data: event.data,
    event: {
      id: event.id,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      globalPosition: event.globalPosition,
      schemaVersion: event.schemaVersion,
      ...(typeof correlationId === 'string' ? { correlationId } : {}),
      ...(typeof causationId === 'string' ? { causationId } : {}),
    },
  });
}
