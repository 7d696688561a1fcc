import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

/** What `startPulls` needs. */
export interface PullOptions {
  readonly connection: NatsConnection;
  readonly stream: string;
  readonly durables: readonly string[];
  /** Messages pulled ahead of the handler. */
  readonly prefetch: number;
  /** Handles one message: acks, naks or parks it. */
  readonly deliver: (msg: JsMsg) => Promise<void>;
  readonly report: (error: unknown) => void;
}

/** Pulls from each durable consumer, one message at a time per consumer, until stopped. */
export async function startPulls(options: PullOptions): Promise<{ stop(): Promise<void> }> {
  const js = jetstream(options.connection);
  const pulls: ConsumerMessages[] = [];
  for (const durable of options.durables) {
    const consumer = await js.consumers.get(options.stream, durable);
    pulls.push(await consumer.consume({ max_messages: options.prefetch }));
  }
  const loops = pulls.map(async (messages) => {
    for await (const msg of messages) {
      try {
        await options.deliver(msg);
      } catch (error) {
        // The database (parking) or the connection (ack) failed: the message stays unacked
        // and comes back after the ack wait; the next one is tried all the same.
        options.report(error);
      }
    }
  });
  return {
    async stop() {
      await Promise.all(pulls.map((messages) => messages.close()));
      await Promise.allSettled(loops);
    },
  };
}
