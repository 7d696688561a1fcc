import type { StrataConfig } from '../../app/config.js';
import { storedSubscriberProgress } from '../../subscriptions/index.js';
import { streamNames, withJetStream } from './bus-connection.js';
import { print, withStore } from './sessions.js';

/** Options of `strata bus status`. */
export interface BusStatusOptions {
  readonly natsUrl: string;
  /** Only this stream; every stream on the server otherwise. */
  readonly stream?: string;
  /** The forwarder's subscriber name, whose checkpoint gives its lag. */
  readonly forwarder: string;
}

/** The forwarder's lag behind the log, if this store has its checkpoint. */
async function forwarderLine(config: StrataConfig, forwarder: string): Promise<string> {
  try {
    return await withStore(config, async (store) => {
      const progress = (await storedSubscriberProgress(store)).find((s) => s.name === forwarder);
      if (progress === undefined) return `Forwarder ${forwarder}: no checkpoint in this store.`;
      const unread = `${progress.unreadComplete ? '' : '≥ '}${progress.unreadEvents}`;
      return (
        `Forwarder ${forwarder}: ${unread} events behind the log ` +
        `(oldest ${progress.unreadSeconds.toFixed(1)} s), ${progress.parked} parked`
      );
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `Forwarder ${forwarder}: lag unknown (${reason}).`;
  }
}

/** `strata bus status`: each stream's subjects and message counts, and the forwarder's lag. */
export async function showBusStatus(
  config: StrataConfig,
  options: BusStatusOptions,
): Promise<void> {
  await withJetStream(options.natsUrl, async (jsm) => {
    const names = await streamNames(jsm, options.stream);
    if (names.length === 0) print(`No streams on ${options.natsUrl}.`);
    for (const name of names) {
      const { config: stream, state } = await jsm.streams.info(name, { subjects_filter: '>' });
      print(
        `Stream ${name}\t${stream.subjects.join(' ')}\t${state.messages} messages\t` +
          `${state.bytes} bytes\tsequences ${state.first_seq}..${state.last_seq}\t` +
          `${state.consumer_count} consumers`,
      );
      for (const [subject, count] of Object.entries(state.subjects ?? {}).sort()) {
        print(`  ${subject}\t${count}`);
      }
    }
  });
  print(await forwarderLine(config, options.forwarder));
}
