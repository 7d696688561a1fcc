import { createHash } from 'node:crypto';

import { encodeCursor, type SqlExecutor } from '../store/index.js';
import { parkEvents } from '../subscriptions/index.js';
import { messageIdOf, messageTypeOf, streamOf, type RawBusMessage } from './consumer-decode.js';

/** The subscriber name under which a durable consumer's messages are parked. */
export const busSubscriberName = (durable: string): string => `bus:${durable}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID for the parked record: the message id when it is one, else one derived from it. */
function uuidOf(messageId: string): string {
  if (UUID.test(messageId)) return messageId;
  const hex = createHash('sha1').update(messageId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Parks a bus message in Strata's parked list, where `strata parked list|retry|skip` acts on it:
 * its position is its stream sequence, its stream the publisher's `Strata-Stream` (else its
 * subject). Parking it twice keeps the first record.
 */
export async function parkBusMessage(
  sql: SqlExecutor,
  subscriber: string,
  raw: RawBusMessage,
  problem: { readonly error: string; readonly attempts: number },
): Promise<void> {
  const { streamId = raw.subject, streamVersion = 0 } = streamOf(raw);
  await parkEvents(sql, subscriber, [
    {
      status: 'failed',
      error: problem.error,
      attempts: problem.attempts,
      event: {
        id: uuidOf(messageIdOf(raw)),
        type: messageTypeOf(raw),
        schemaVersion: 0,
        data: null,
        metadata: {},
        streamId,
        streamVersion,
        globalPosition: raw.streamSequence,
        cursor: encodeCursor(0, raw.streamSequence),
        recordedAt: new Date(),
      },
    },
  ]);
}

/** A retry or skip an operator asked for on a parked bus message. */
export interface ParkedBusRequest {
  readonly streamSequence: number;
  readonly action: 'retry' | 'skip';
}

/** The operators' pending requests on `subscriber`'s parked messages, oldest first. */
export async function parkedBusRequests(
  sql: SqlExecutor,
  subscriber: string,
): Promise<ParkedBusRequest[]> {
  const rows = await sql.query<{ global_position: number; requested_action: 'retry' | 'skip' }>(
    `SELECT global_position, requested_action FROM parked_events
      WHERE subscriber = $1 AND status = 'failed' AND requested_action IS NOT NULL
      ORDER BY global_position`,
    [subscriber],
    'strata_bus_parked_requests',
  );
  return rows.map((row) => ({
    streamSequence: row.global_position,
    action: row.requested_action,
  }));
}
