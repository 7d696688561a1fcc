import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';

import { settleParkedRequest, type HandlingContext } from './consumer-handling.js';
import { parkBusMessage, parkedBusRequests } from './consumer-parking.js';

/** The JetStream advisory sent when a message of `durable` exhausted its deliveries. */
export const maxDeliveriesSubject = (stream: string, durable: string): string =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`;

interface MaxDeliveriesAdvisory {
  readonly stream_seq: number;
  readonly deliveries: number;
}

/** What `watchParking` needs. */
export interface ParkingWatchOptions {
  readonly context: HandlingContext;
  readonly connection: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly durables: readonly string[];
  /** The last handler error per stream sequence, to park the message with. */
  readonly lastErrors: Map<number, string>;
  readonly pollMs: number;
}

/**
 * Parks the messages the server gives up on (max-deliveries advisories: the message is read
 * back from the stream by sequence) and carries out operators' retry and skip requests.
 */
export function watchParking(options: ParkingWatchOptions): { stop(): Promise<void> } {
  const { context, connection, jsm, stream, lastErrors } = options;
  const parkExhausted = async (advisory: MaxDeliveriesAdvisory) => {
    const seq = advisory.stream_seq;
    const stored = await jsm.streams.getMessage(stream, { seq });
    if (stored === null) return;
    const error = lastErrors.get(seq) ?? 'no handler error seen (acknowledgement timed out)';
    lastErrors.delete(seq);
    await parkBusMessage(
      context.driver,
      context.subscriber,
      { subject: stored.subject, streamSequence: seq, headers: stored.header, data: stored.data },
      {
        error: `exhausted ${advisory.deliveries} deliveries: ${error}`,
        attempts: advisory.deliveries,
      },
    );
  };
  const subscriptions: Subscription[] = options.durables.map((durable) =>
    connection.subscribe(maxDeliveriesSubject(stream, durable), {
      callback: (error, msg) => {
        if (error !== null) {
          context.report(error);
          return;
        }
        parkExhausted(msg.json<MaxDeliveriesAdvisory>()).catch(context.report);
      },
    }),
  );
  let stopped = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by stop()
    while (!stopped) {
      try {
        for (const request of await parkedBusRequests(context.driver, context.subscriber)) {
          await settleParkedRequest(context, jsm, stream, request);
        }
      } catch (error) {
        context.report(error);
      }
      await new Promise<void>((settle) => {
        wake = settle;
        setTimeout(settle, options.pollMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      for (const subscription of subscriptions) subscription.unsubscribe();
      await loop;
    },
  };
}
