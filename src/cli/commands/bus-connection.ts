import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The NATS server the bus commands talk to when neither `--nats-url` nor `NATS_URL` says. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** Runs `work` with a JetStream manager on `url`, and closes the connection after. */
export async function withJetStream<T>(
  url: string,
  work: (jsm: JetStreamManager) => Promise<T>,
): Promise<T> {
  const connection = await connect({ servers: url, maxReconnectAttempts: 0 });
  try {
    return await work(await jetstreamManager(connection));
  } finally {
    await connection.close();
  }
}

/** The names of `stream`, or of every stream on the server when it is not given. */
export async function streamNames(
  jsm: JetStreamManager,
  stream: string | undefined,
): Promise<string[]> {
  if (stream !== undefined) return [stream];
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  return names.sort();
}
