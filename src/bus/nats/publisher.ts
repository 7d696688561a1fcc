import { JetStreamApiError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';

import { BusPublishRefusedError } from '../errors.js';
import type { OutgoingBusMessage } from './message.js';

/** JetStream's error code for a publish whose expected last sequence is not the stream's. */
const WRONG_LAST_SEQUENCE = 10071;

/** True when the server refused a publish because the stream's last sequence was another. */
export const isWrongLastSequence = (error: unknown): boolean =>
  error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE;

function refusal(error: unknown): unknown {
  if (isWrongLastSequence(error)) {
    return new BusPublishRefusedError(
      'The stream moved on past this forwarder (wrong last sequence)',
      { cause: error },
    );
  }
  return error;
}

function checkAck(ack: PubAck, expectedSeq: number, message: OutgoingBusMessage): void {
  // A duplicate, or any other sequence, means the stream is not where this forwarder thought.
  if (ack.duplicate || ack.seq !== expectedSeq) {
    throw new BusPublishRefusedError(
      `Event ${message.eventId} was stored at sequence ${ack.seq}${ack.duplicate ? ' (duplicate)' : ''}, not ${expectedSeq}`,
    );
  }
}

/**
 * Publishes `messages` in order after sequence `lastSeq`, each expecting the one before it as
 * the stream's last (so a stale forwarder, or a server that lost messages, is refused rather
 * than stored out of place), with at most `window` acks outstanding. Returns the new last
 * sequence; on the first failure waits for what is in flight, then throws (a refusal as
 * `BusPublishRefusedError`).
 */
export async function publishChained(
  js: JetStreamClient,
  messages: readonly OutgoingBusMessage[],
  lastSeq: number,
  window: number,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let seq = lastSeq;
  for (const message of messages) {
    if (failure !== undefined) break;
    const expectedSeq = seq + 1;
    // Issued synchronously in log order: the client writes each request before the next.
    const ack = js
      .publish(message.subject, message.payload, {
        headers: message.headers,
        expect: { lastSequence: seq },
      })
      .then((received) => {
        checkAck(received, expectedSeq, message);
      })
      .catch((error: unknown) => {
        failure ??= { error: refusal(error) };
      })
      .finally(() => inFlight.delete(ack));
    inFlight.add(ack);
    seq = expectedSeq;
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  return seq;
}
