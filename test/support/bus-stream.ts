import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';

/** One message of a JetStream stream, as a test checks it. */
export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
}

/**
 * Every message in `stream` on the server at `url`, in stream order (an ordered consumer); tried
 * again a few times when the server times out (a cluster electing a new leader).
 */
export async function streamMessages(url: string, stream: string): Promise<StreamMessage[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readStreamOnce(url, stream);
    } catch (error) {
      // A loaded machine's cluster may take several seconds to settle after a leader died.
      if (attempt === 10 || (error as Error).name !== 'TimeoutError') throw error;
      await new Promise((settle) => setTimeout(settle, 1_000));
    }
  }
}

async function readStreamOnce(url: string, stream: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    const consumer = await jetstream(nc).consumers.get(stream);
    const found: StreamMessage[] = [];
    while (found.length < state.messages) {
      const batch = await consumer.fetch({
        max_messages: state.messages - found.length,
        expires: 2_000,
      });
      for await (const message of batch) {
        const headers: Record<string, string> = {};
        for (const [name, values] of message.headers ?? []) headers[name] = values.join(',');
        found.push({
          seq: message.seq,
          subject: message.subject,
          headers,
          data: message.json(),
        });
      }
    }
    return found;
  } finally {
    await nc.close();
  }
}

/** How many messages `stream` holds now. */
export async function streamCount(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

/** The keys of KV bucket `bucket` on the server at `url`. */
export async function readSchemaBucket(url: string, bucket: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const kv = await new Kvm(nc).open(bucket);
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    return keys.sort();
  } finally {
    await nc.close();
  }
}
