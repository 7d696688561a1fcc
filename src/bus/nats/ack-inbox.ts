import { createInbox, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';

import { BusPublishError } from '../errors.js';

/** What JetStream answers a publish with: where it stored the message, or why it did not. */
export interface StoredAck {
  readonly seq: number;
  readonly duplicate: boolean;
}

interface AckReply {
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly error?: { readonly err_code?: number; readonly description?: string };
}

/** Told once how a publish ended: its ack, or why there is none. */
export type AckCallback = (outcome: StoredAck | BusPublishError) => void;

interface Waiting {
  readonly sentAt: number;
  readonly settle: AckCallback;
}

/**
 * JetStream publishes whose acks all come back on one reply subscription, as the Go client's
 * `PublishAsync` does. `js.publish` makes a request per message — its own timer, reply token
 * and two `Error` objects with stack traces — which halved the forwarder's rate; here a
 * publish costs a map entry and a callback (no promise), and one sweep times out the acks
 * that never came.
 */
export interface AckInbox {
  /**
   * Publishes; `settle` hears the ack, or a `BusPublishError` (refused, no stream, timeout),
   * exactly once.
   */
  publish(subject: string, payload: Uint8Array, headers: MsgHdrs, settle: AckCallback): void;
  /** Stops listening; acks still awaited fail. */
  close(): void;
}

const decoder = new TextDecoder();

/** The ack a reply carries, or the error it reports instead. */
function readReply(data: Uint8Array, status: number): BusPublishError | StoredAck {
  // The server answers for a subject no stream captures with a 503 status and no body.
  if (status === 503) return new BusPublishError('No stream takes the subject (no responders)');
  const reply = JSON.parse(decoder.decode(data)) as AckReply;
  if (reply.error !== undefined || reply.seq === undefined) {
    return new BusPublishError(reply.error?.description ?? 'JetStream sent no sequence', {
      errCode: reply.error?.err_code,
    });
  }
  return { seq: reply.seq, duplicate: reply.duplicate === true };
}

/** An ack inbox on `nc`: an ack not back within `timeoutMs` fails its publish. */
export function openAckInbox(nc: NatsConnection, timeoutMs: number): AckInbox {
  const prefix = `${createInbox()}.`;
  const waiting = new Map<string, Waiting>();
  let next = 0;
  const settle = (token: string, outcome: BusPublishError | StoredAck) => {
    const entry = waiting.get(token);
    if (entry === undefined) return; // timed out already
    waiting.delete(token);
    entry.settle(outcome);
  };
  const subscription = nc.subscribe(`${prefix}*`, {
    callback: (error, msg) => {
      if (error !== null) return;
      const token = msg.subject.slice(prefix.length);
      try {
        settle(token, readReply(msg.data, msg.headers?.code ?? 0));
      } catch (cause) {
        settle(token, new BusPublishError('JetStream sent an unreadable ack', { cause }));
      }
    },
  });
  // Entries are in the order sent, so the sweep stops at the first one still in time.
  const sweep = setInterval(
    () => {
      const expired = performance.now() - timeoutMs;
      for (const [token, entry] of waiting) {
        if (entry.sentAt > expired) break;
        settle(token, new BusPublishError(`No ack from JetStream within ${timeoutMs} ms`));
      }
    },
    Math.max(10, Math.min(250, timeoutMs / 4)),
  );
  sweep.unref();

  return {
    publish(subject, payload, headers, onAck) {
      const token = String(next++);
      waiting.set(token, { sentAt: performance.now(), settle: onAck });
      try {
        nc.publish(subject, payload, { headers, reply: prefix + token });
      } catch (cause) {
        settle(token, new BusPublishError('The client refused the publish', { cause }));
      }
    },
    close() {
      clearInterval(sweep);
      subscription.unsubscribe();
      for (const token of [...waiting.keys()]) {
        settle(token, new BusPublishError('The ack inbox closed before the ack came'));
      }
    },
  };
}
