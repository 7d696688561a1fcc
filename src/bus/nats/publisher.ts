import { JetStreamApiError } from '@nats-io/jetstream';
import { MsgHdrsImpl, type MsgHdrs } from '@nats-io/nats-core';

import { BusPublishError, BusPublishRefusedError } from '../errors.js';
import type { AckInbox, StoredAck } from './ack-inbox.js';
import type { OutgoingBusMessage } from './message.js';

/** JetStream's error code for a publish whose expected last sequence is not the stream's. */
const WRONG_LAST_SEQUENCE = 10071;

/** True when the server refused a publish because the stream's last sequence was another. */
export const isWrongLastSequence = (error: unknown): boolean =>
  (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) ||
  (error instanceof BusPublishError && error.errCode === WRONG_LAST_SEQUENCE);

/** The header that makes JetStream refuse a publish unless the stream's last sequence is its value. */
const EXPECTED_LAST_SEQUENCE = 'Nats-Expected-Last-Sequence';

function refusal(error: unknown): unknown {
  if (isWrongLastSequence(error)) {
    return new BusPublishRefusedError(
      'The stream moved on past this forwarder (wrong last sequence)',
      { cause: error },
    );
  }
  return error;
}

function ackProblem(
  ack: StoredAck,
  expectedSeq: number,
  message: OutgoingBusMessage,
): BusPublishRefusedError | undefined {
  // A duplicate, or any other sequence, means the stream is not where this forwarder thought.
  if (!ack.duplicate && ack.seq === expectedSeq) return undefined;
  return new BusPublishRefusedError(
    `Event ${message.eventId} was stored at sequence ${ack.seq}${ack.duplicate ? ' (duplicate)' : ''}, not ${expectedSeq}`,
  );
}

/**
 * Sets one header. The client's own `set` searches every header twice and validates the name
 * on each call; on the forwarder's own headers (built by `toBusMessage`) the map is set directly.
 */
function setHeader(headers: MsgHdrs, name: string, value: string): void {
  if (headers instanceof MsgHdrsImpl) headers.headers.set(name, [value]);
  else headers.set(name, value);
}

/**
 * Publishes messages in log order, each expecting the one before it as the stream's last (so a
 * stale forwarder, or a server that lost messages, is refused rather than stored out of place),
 * with at most `window` acks outstanding — across calls, so the next page can be read and
 * built while the last one's acks come back.
 */
export interface ChainedPublisher {
  /**
   * Issues `messages` after the last one issued; resolves once they are all sent and at most
   * `window` await their ack. Throws the first failure of any earlier publish instead, after
   * waiting for what is in flight (a refusal as `BusPublishRefusedError`).
   */
  publish(messages: readonly OutgoingBusMessage[]): Promise<void>;
  /** Waits for every ack in flight; throws the first failure as `publish` does. */
  drain(): Promise<void>;
  /** The sequence the last issued message is stored at once acknowledged. */
  readonly lastSeq: number;
}

/** A chained publisher continuing the stream after sequence `lastSeq`, its acks on `inbox`. */
export function chainedPublisher(
  inbox: AckInbox,
  lastSeq: number,
  window: number,
): ChainedPublisher {
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let seq = lastSeq;
  // Settled by the next ack to come back: what a full window, or a drain, waits for.
  let nextAck: Promise<void> | undefined;
  let resolveNextAck: (() => void) | undefined;
  const ackReturned = (): Promise<void> =>
    (nextAck ??= new Promise<void>((resolve) => {
      resolveNextAck = resolve;
    }));

  async function waitUntilAtMost(count: number): Promise<void> {
    while (inFlight > count) await ackReturned();
  }

  async function throwAnyFailure(): Promise<void> {
    if (failure === undefined) return;
    await waitUntilAtMost(0);
    throw failure.error;
  }

  return {
    get lastSeq() {
      return seq;
    },
    async publish(messages) {
      for (const message of messages) {
        if (failure !== undefined) await throwAnyFailure();
        const expectedSeq = seq + 1;
        // Issued synchronously in log order: the client writes each request before the next.
        inFlight++;
        setHeader(message.headers, EXPECTED_LAST_SEQUENCE, String(seq));
        inbox.publish(message.subject, message.payload, message.headers, (outcome) => {
          const problem =
            outcome instanceof BusPublishError
              ? refusal(outcome)
              : ackProblem(outcome, expectedSeq, message);
          if (problem !== undefined) failure ??= { error: problem };
          inFlight--;
          const wake = resolveNextAck;
          nextAck = resolveNextAck = undefined;
          wake?.();
        });
        seq = expectedSeq;
        if (inFlight >= window) await waitUntilAtMost(window - 1);
      }
      await throwAnyFailure();
    },
    async drain() {
      await waitUntilAtMost(0);
      await throwAnyFailure();
    },
  };
}
