import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

import type { HandlingContext } from './consumer-handling.js';
import { advisoryStreamName } from './consumer-advisory-stream.js';
import { parkBusMessage } from './consumer-parking.js';
import { startPulls } from './consumer-pulls.js';
import { redeliveryDelayMs } from './consumer-setup.js';

/** The fields of a max-deliveries advisory the parking needs. */
interface MaxDeliveriesAdvisory {
  readonly stream_seq: number;
  readonly deliveries: number;
}

/** What `startAdvisoryParking` needs. */
export interface AdvisoryParkingOptions {
  readonly context: HandlingContext;
  readonly connection: NatsConnection;
  readonly jsm: JetStreamManager;
  /** The consumed stream (its advisories are in `advisoryStreamName(stream)`). */
  readonly stream: string;
  readonly durables: readonly string[];
  /** The last handler error per stream sequence, to park the message with. */
  readonly lastErrors: Map<number, string>;
}

function advisoryOf(msg: JsMsg): MaxDeliveriesAdvisory | undefined {
  try {
    const { stream_seq: seq, deliveries = 0 } = msg.json<Partial<MaxDeliveriesAdvisory>>();
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
    return { stream_seq: seq, deliveries };
  } catch {
    return undefined;
  }
}

/**
 * Parks each message its max-deliveries advisory names (read back from the stream by
 * sequence, with the handler's last error seen here), then acks the advisory: only once the
 * park is committed, so a crash or a database failure in between leaves the advisory to come
 * back (parking twice keeps the first record).
 */
export async function startAdvisoryParking(
  options: AdvisoryParkingOptions,
): Promise<{ stop(): Promise<void> }> {
  const { context, jsm, stream, lastErrors } = options;
  const park = async (advisory: MaxDeliveriesAdvisory) => {
    const seq = advisory.stream_seq;
    const stored = await jsm.streams.getMessage(stream, { seq });
    if (stored === null) {
      context.report(new Error(`exhausted message ${seq} is no longer in stream ${stream}`));
      return;
    }
    const error = lastErrors.get(seq) ?? 'no handler error seen (acknowledgement timed out)';
    await parkBusMessage(
      context.driver,
      context.subscriber,
      { subject: stored.subject, streamSequence: seq, headers: stored.header, data: stored.data },
      {
        error: `exhausted ${advisory.deliveries} deliveries: ${error}`,
        attempts: advisory.deliveries,
      },
    );
    lastErrors.delete(seq);
  };
  const parkFrom = async (msg: JsMsg) => {
    const advisory = advisoryOf(msg);
    if (advisory === undefined) {
      context.report(new Error(`not a max-deliveries advisory on ${msg.subject}`));
      msg.term();
      return;
    }
    try {
      await park(advisory);
      msg.ack();
    } catch (error) {
      context.report(error);
      msg.nak(redeliveryDelayMs(context.backoffMs, msg.info.deliveryCount));
    }
  };
  return startPulls({
    connection: options.connection,
    stream: advisoryStreamName(stream),
    durables: options.durables,
    prefetch: 16,
    report: context.report,
    async deliver(msgs) {
      for (const msg of msgs) await parkFrom(msg);
    },
  });
}
