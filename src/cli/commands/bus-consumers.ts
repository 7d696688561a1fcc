import { InvalidArgumentError } from 'commander';

import { describeDelivery, ensureDurableConsumer } from '../../bus/index.js';
import { streamNames, withJetStream } from './bus-connection.js';
import { print } from './sessions.js';

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration such as `500ms`, `30s`, `2m` or `1h` (a bare number is milliseconds). */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a duration (500ms, 30s, 2m)`);
  }
  return Number(match[1]) * UNITS_MS[(match[2] ?? 'ms') as keyof typeof UNITS_MS];
}

/** A comma-separated list of durations: `1s,5s,30s`. */
export const parseDurations = (text: string): number[] => text.split(',').map(parseDuration);

const shown = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** `strata bus consumers list`: the durable consumers of one stream or all, with their settings. */
export async function listBusConsumers(natsUrl: string, stream: string | undefined): Promise<void> {
  await withJetStream(natsUrl, async (jsm) => {
    let found = 0;
    for (const name of await streamNames(jsm, stream)) {
      for await (const info of jsm.consumers.list(name)) {
        found += 1;
        const { maxDeliver, ackWaitMs, backoffMs } = describeDelivery(info);
        print(
          `${name}\t${info.name}\tfilter ${info.config.filter_subject ?? '>'}\t` +
            `max deliver ${maxDeliver}\tack wait ${shown(ackWaitMs)}\t` +
            `backoff ${backoffMs.length === 0 ? '-' : backoffMs.map(shown).join(',')}\t` +
            `${info.num_pending} pending\t${info.num_ack_pending} unacked\t` +
            `${info.num_redelivered} redelivered`,
        );
      }
    }
    if (found === 0) print('No consumers.');
  });
}

/** Options of `strata bus consumers add`. */
export interface AddBusConsumerOptions {
  readonly natsUrl: string;
  readonly stream: string;
  readonly filter: string;
  readonly maxDeliver?: number;
  readonly ackWaitMs?: number;
  readonly backoffMs?: readonly number[];
}

/** `strata bus consumers add`: creates a durable pull consumer, or updates its delivery settings. */
export async function addBusConsumer(
  durable: string,
  options: AddBusConsumerOptions,
): Promise<void> {
  await withJetStream(options.natsUrl, async (jsm) => {
    const info = await ensureDurableConsumer(jsm, options.stream, {
      durable,
      filterSubject: options.filter,
      ...(options.maxDeliver === undefined ? {} : { maxDeliver: options.maxDeliver }),
      ...(options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs }),
      ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    });
    const { maxDeliver, ackWaitMs } = describeDelivery(info);
    print(
      `Consumer ${info.name} of ${options.stream}: filter ${options.filter}, ` +
        `max deliver ${maxDeliver}, ack wait ${shown(ackWaitMs)}.`,
    );
  });
}
