import { setTimeout as sleep } from 'node:timers/promises';

import { backoffDelayMs } from '../retry.js';
import type { StoredEvent } from '../store/index.js';
import type { SubscriberDefinition } from '../subscriptions/index.js';
import type { MessageRegistry } from '../messages/index.js';
import { BusMessageTooLargeError } from './errors.js';
import { connectJetStream, type JetStreamHandles } from './nats/connection.js';
import { publishSchemas } from './nats/publish-schemas.js';
import { DEFAULT_STREAM_SETTINGS, ensureStream, type BusStreamSettings } from './nats/stream.js';
import type { StreamTail } from './nats/tail.js';
import { createRelay, type LogReader, type Relay, type RelayObserver } from './relay.js';
import { appSubjects, subjectToken, type SubjectSpace } from './subjects.js';

/** The forwarder's subscriber name: its checkpoint, lease and parked events. */
export const FORWARDER_SUBSCRIBER = 'bus:forwarder';

/** What `createBusForwarder` needs. */
export interface BusForwarderOptions extends SubjectSpace {
  /** NATS server URL(s). */
  readonly servers: string | readonly string[];
  /**
   * The app's messages: at start their JSON Schemas and the AsyncAPI document go to the app's
   * KV bucket (`publishSchemas`), so services in other languages can generate types.
   */
  readonly registry?: MessageRegistry;
  /** The stream's settings; its name defaults to `STRATA_<APP>`. */
  readonly stream?: Partial<Omit<BusStreamSettings, 'subjects'>>;
  /** The subscriber's name (checkpoint, lease, parked list); default `FORWARDER_SUBSCRIBER`. */
  readonly subscriberName?: string;
  /** Most publishes awaiting their ack at once; default 256. */
  readonly window?: number;
  /** How long a publish waits for its ack, ms; default 5000. */
  readonly publishTimeoutMs?: number;
  /** Cursors of the events parked for the subscriber (from the engine's parked list). */
  readonly parkedCursors: (subscriber: string) => Promise<ReadonlySet<string>>;
  /** Told of every failure to publish; the relay retries it until it works. */
  readonly onError?: (error: unknown) => void;
  /** Told what each batch published (metrics). */
  readonly observer?: RelayObserver;
}

/** The forwarder as operators see it. */
export interface BusForwarderStatus {
  readonly stream: string;
  readonly servers: readonly string[];
  readonly connected: boolean;
  /** The stream's tail as the forwarder last saw or made it (publishes in flight included). */
  readonly tail: StreamTail | undefined;
  readonly lastError: string | undefined;
}

/** The bus forwarder: a subscriber of the log that publishes every event to JetStream. */
export interface BusForwarder {
  /** Register it with the subscription engine once `start` resolved. */
  readonly subscriber: SubscriberDefinition;
  readonly stream: BusStreamSettings;
  /** Connects and creates or updates the stream; `BusStreamIncompatibleError` stops start-up. */
  start(): Promise<void>;
  /** Ends the retries in hand and closes the connection. */
  stop(): Promise<void>;
  status(): BusForwarderStatus;
}

const RETRY = { baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Events per batch the engine hands the forwarder: large, since a page read and a checkpoint
 * commit per batch are what the relay pays beside publishing.
 */
const BATCH_SIZE = 2_000;

/**
 * Forwards `events`, waiting out a bus outage (retried with backoff, not counted against the
 * engine's retries: only an event the stream can never take is worth parking) until it works,
 * the event is too large, or `signal` aborts. `onOutcome` hears each failure, then `undefined`.
 */
async function forwardPatiently(
  relay: Relay,
  events: readonly StoredEvent[],
  store: LogReader,
  signal: AbortSignal,
  onOutcome: (error: unknown) => void,
): Promise<void> {
  // A full page means more follow at once: its acks can come back while the next is read. A
  // shorter one is the head of the log, whose events must be in the stream before the
  // checkpoint says so — else an outage then would go unnoticed until the next event.
  const awaitAcks = events.length < BATCH_SIZE;
  for (let attempt = 1; ; attempt++) {
    try {
      await relay.forward(events, store, { awaitAcks });
      onOutcome(undefined);
      return;
    } catch (error) {
      if (error instanceof BusMessageTooLargeError || signal.aborted) throw error;
      onOutcome(error);
      const delayMs = backoffDelayMs(RETRY, Math.min(attempt, 10)) + 50;
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** The stream settings `options` ask for, defaults filled in. */
export function streamSettings(options: BusForwarderOptions): BusStreamSettings {
  return {
    ...DEFAULT_STREAM_SETTINGS,
    name: `STRATA_${subjectToken(options.app).toUpperCase()}`,
    ...options.stream,
    subjects: appSubjects(options),
  };
}

/**
 * A forwarder of the app's events to its JetStream stream, resuming from the stream's own tail:
 * exactly once into the stream whatever the duplicate window, in log order.
 *
 * @example
 * const forwarder = createBusForwarder({ servers: 'nats://127.0.0.1:4222', app: 'devpie', parkedCursors });
 * await forwarder.start();
 * engine.add(forwarder.subscriber);
 */
export function createBusForwarder(options: BusForwarderOptions): BusForwarder {
  const { window = 256, publishTimeoutMs = 5_000, onError = () => undefined } = options;
  const stream = streamSettings(options);
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const stopping = new AbortController();
  let handles: JetStreamHandles | undefined;
  let relay: Relay | undefined;
  let lastError: string | undefined;
  const subscriber: SubscriberDefinition = {
    name: options.subscriberName ?? FORWARDER_SUBSCRIBER,
    batchSize: BATCH_SIZE,
    async handle(events, context) {
      if (relay === undefined) throw new Error('The bus forwarder runs only after start()');
      await forwardPatiently(relay, events, context.store, stopping.signal, (error) => {
        lastError = error === undefined ? undefined : (error as Error).message;
        if (error !== undefined) onError(error);
      });
    },
  };

  return {
    stream,
    subscriber,
    async start() {
      handles = await connectJetStream({
        servers,
        timeoutMs: publishTimeoutMs,
        name: 'strata-forwarder',
      });
      try {
        await ensureStream(handles.jsm, stream);
        if (options.registry !== undefined) {
          const { prefix, app, registry } = options;
          await publishSchemas(handles.js, {
            app,
            registry,
            ...(prefix === undefined ? {} : { prefix }),
            replicas: stream.replicas,
          });
        }
      } catch (error) {
        await handles.nc.close();
        throw error;
      }
      const { nc, jsm } = handles;
      relay = createRelay({
        nc,
        jsm,
        publishTimeoutMs,
        stream: stream.name,
        space: options,
        maxMsgSize: stream.maxMsgSize,
        window,
        parkedCursors: () => options.parkedCursors(subscriber.name),
        ...(options.observer === undefined ? {} : { observer: options.observer }),
      });
    },
    async stop() {
      stopping.abort();
      // Acks still in flight are awaited, so the stream holds what the checkpoint says it does.
      await relay?.settle();
      relay?.close();
      await handles?.nc.close();
    },
    status: () => ({
      stream: stream.name,
      servers,
      connected: handles?.connected() ?? false,
      tail: relay?.tail(),
      lastError,
    }),
  };
}
