import type { JetStreamManager } from '@nats-io/jetstream';

import { settleParkedRequest, type HandlingContext } from './consumer-handling.js';
import { parkedBusRequests } from './consumer-parking.js';

/** What `watchParkedRequests` needs. */
export interface ParkedRequestsWatchOptions {
  readonly context: HandlingContext;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly pollMs: number;
}

/** Carries out operators' retry and skip requests on the consumer's parked messages. */
export function watchParkedRequests(options: ParkedRequestsWatchOptions): {
  stop(): Promise<void>;
} {
  const { context, jsm, stream } = options;
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
      await loop;
    },
  };
}
