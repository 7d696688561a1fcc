import type { JetStreamManager } from '@nats-io/jetstream';

import { InvalidArgumentError } from '../store/index.js';
import { ensureDurableConsumer } from './consumer-setup.js';
import { DEFAULT_STREAM_SETTINGS, ensureStream } from './nats/stream.js';

/** The JetStream advisory sent when a message of `durable` exhausted its deliveries. */
export const maxDeliveriesSubject = (stream: string, durable: string): string =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`;

/** The stream that keeps `stream`'s max-deliveries advisories: `<stream>_ADVISORIES`. */
export const advisoryStreamName = (stream: string): string => `${stream}_ADVISORIES`;

/** How long an advisory is kept by default: a consumer down longer than that misses it. */
export const DEFAULT_ADVISORY_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** What `ensureAdvisoryCapture` needs. */
export interface AdvisoryCaptureOptions {
  /** The consumed stream. */
  readonly stream: string;
  /** Its durable consumers: each gets a durable consumer of the same name on the advisories. */
  readonly durables: readonly string[];
  /** How long the advisories stream keeps an advisory, ms (positive). */
  readonly maxAgeMs: number;
  /** How long an advisory handed to a consumer process may go unacknowledged. */
  readonly ackWaitMs: number;
}

/**
 * Creates (or brings up to date) the stream capturing `stream`'s max-deliveries advisories and
 * one durable pull consumer per durable on it. A core-NATS advisory reaches only processes
 * listening at that instant; kept in a stream, one sent while the consumer was down, hung or cut
 * off waits for it. The advisories stream has the consumed stream's replicas.
 */
export async function ensureAdvisoryCapture(
  jsm: JetStreamManager,
  options: AdvisoryCaptureOptions,
): Promise<void> {
  const { stream, maxAgeMs } = options;
  // 0 would keep advisories forever, and they are never deleted once parked.
  if (!(maxAgeMs > 0)) throw new InvalidArgumentError('advisoryMaxAgeMs', 'must be positive');
  const consumed = await jsm.streams.info(stream);
  const name = advisoryStreamName(stream);
  await ensureStream(jsm, {
    ...DEFAULT_STREAM_SETTINGS,
    name,
    subjects: maxDeliveriesSubject(stream, '*'),
    maxAgeMs,
    // The server refuses a duplicate window longer than max_age.
    duplicateWindowMs: Math.min(DEFAULT_STREAM_SETTINGS.duplicateWindowMs, maxAgeMs),
    replicas: consumed.config.num_replicas,
  });
  for (const durable of options.durables) {
    await ensureDurableConsumer(jsm, name, {
      durable,
      filterSubject: maxDeliveriesSubject(stream, durable),
      // Never given up: an advisory not yet parked (the database was down) is the last trace
      // of its message.
      maxDeliver: -1,
      ackWaitMs: options.ackWaitMs,
      backoffMs: [],
    });
  }
}
