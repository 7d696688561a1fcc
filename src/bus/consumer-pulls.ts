import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

import { deliverInBatches } from './consumer-batches.js';

/** What `startPulls` needs. */
export interface PullOptions {
  readonly connection: NatsConnection;
  readonly stream: string;
  readonly durables: readonly string[];
  /** Messages pulled ahead of the handler, and most handed to `deliver` at once. */
  readonly prefetch: number;
  /** Handles the messages that arrived while it was busy, in order: acks, naks or parks each. */
  readonly deliver: (msgs: readonly JsMsg[]) => Promise<void>;
  readonly report: (error: unknown) => void;
}

/** Pulls from each durable consumer, one batch at a time per consumer, until stopped. */
export async function startPulls(options: PullOptions): Promise<{ stop(): Promise<void> }> {
  const js = jetstream(options.connection);
  const pulls: ConsumerMessages[] = [];
  for (const durable of options.durables) {
    const consumer = await js.consumers.get(options.stream, durable);
    pulls.push(await consumer.consume({ max_messages: options.prefetch }));
  }
  const loops = pulls.map((messages) =>
    deliverInBatches(messages, options.prefetch, async (batch) => {
      try {
        await options.deliver(batch);
      } catch (error) {
        // The database (parking) or the connection (ack) failed: the messages stay unacked
        // and come back after the ack wait; the next ones are tried all the same.
        options.report(error);
      }
    }),
  );
  return {
    async stop() {
      await Promise.all(pulls.map((messages) => messages.close()));
      await Promise.allSettled(loops);
    },
  };
}
