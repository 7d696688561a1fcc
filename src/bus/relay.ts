import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

import { LOG_START, type Cursor, type EventStore, type StoredEvent } from '../store/index.js';
import { BusMessageTooLargeError } from './errors.js';
import { openAckInbox, type AckInbox } from './nats/ack-inbox.js';
import { toBusMessage, type OutgoingBusMessage } from './nats/message.js';
import { chainedPublisher, type ChainedPublisher } from './nats/publisher.js';
import { readTail, type StreamTail } from './nats/tail.js';
import type { SubjectSpace } from './subjects.js';

/** What a relay needs: the JetStream handles, the stream, and how events become messages. */
export interface RelayOptions {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** How long a publish waits for its ack, ms; default 5000. */
  readonly publishTimeoutMs?: number;
  readonly stream: string;
  readonly space: SubjectSpace;
  readonly maxMsgSize: number;
  /** Most publishes awaiting their ack at once. */
  readonly window: number;
  /** Cursors of the events parked for the forwarder: not in the stream, though before its tail. */
  readonly parkedCursors: () => Promise<ReadonlySet<string>>;
  /** Told how many events each batch published, and how many it found in the stream already. */
  readonly observer?: RelayObserver;
}

/** Hears a relay's work (metrics). */
export interface RelayObserver {
  /** `duplicates`: events of the batch the stream held already (not published again). */
  forwarded(published: number, duplicates: number): void;
}

/** The part of the store a relay reads: the log, to find events the stream lost. */
export type LogReader = Pick<EventStore, 'readPage'>;

/** Moves events of the log into the stream, after the stream's own tail. */
export interface Relay {
  /**
   * Publishes whichever of `events` the stream lacks — and first any earlier events of the log
   * it lacks (lost by the server, or a new stream) — chained on the stream's last sequence;
   * throws `BusMessageTooLargeError` at an event the stream cannot hold, after those before it.
   */
  forward(
    events: readonly StoredEvent[],
    store: LogReader,
    options: { readonly awaitAcks: boolean },
  ): Promise<void>;
  /**
   * Returns once every publish in flight is acknowledged or failed (a failure surfaces on the
   * next `forward`).
   */
  settle(): Promise<void>;
  /** Stops listening for acks (call after `settle`). */
  close(): void;
  /** The tail as last seen or made (publishes in flight included); `undefined` until read. */
  tail(): StreamTail | undefined;
}

const PAGE = 500;

/** Pages of decodable events of the log after `after` and before `before` (exclusive). */
async function* between(store: LogReader, after: Cursor, before: Cursor) {
  let from = after;
  for (;;) {
    const page = await store.readPage(from, { limit: PAGE });
    const inRange = page.entries.filter(({ event }) => event.cursor < before);
    // An undecodable event is parked by the engine, never forwarded.
    yield inRange.filter(({ problem }) => problem === undefined).map(({ event }) => event);
    if (inRange.length < page.entries.length || page.entries.length < PAGE) return;
    if (page.end === from) return;
    from = page.end;
  }
}

/**
 * Where the stream says the relay resumes: after its last message's cursor; from the log's
 * start for a stream that never stored anything; `undefined` (trust the checkpoint) when its
 * messages aged out.
 */
const resumeAfter = (tail: StreamTail): Cursor | undefined =>
  tail.cursor ?? (tail.lastSeq === 0 ? LOG_START : undefined);

/**
 * A relay that resumes from the stream's tail (re-read after any failure). Its publishes stay
 * in flight across `forward` calls unless asked to await their acks: while catching up, the
 * next page is read and built as the last one's acks come back. A publish that fails after its
 * call returned fails the next call, which re-reads the tail and fills the gap from the log.
 */
export function createRelay(options: RelayOptions): Relay {
  const { nc, jsm, stream, space, maxMsgSize, window, publishTimeoutMs = 5_000 } = options;
  let inbox: AckInbox | undefined;
  let tail: StreamTail | undefined;
  // After reading the tail, the events between it and the batch may be missing from the stream.
  let fillGap = true;

  let publisher: ChainedPublisher | undefined;

  async function publish(messages: readonly OutgoingBusMessage[]): Promise<void> {
    tail ??= await readTail(jsm, stream);
    inbox ??= openAckInbox(nc, publishTimeoutMs);
    publisher ??= chainedPublisher(inbox, tail.lastSeq, window);
    await publisher.publish(messages);
    const last = messages.at(-1);
    if (last !== undefined) tail = { lastSeq: publisher.lastSeq, cursor: last.cursor };
  }

  async function publishGap(
    store: LogReader,
    after: Cursor,
    before: Cursor,
    parked: ReadonlySet<string>,
  ) {
    for await (const events of between(store, after, before)) {
      const messages = events
        .filter((event) => !parked.has(event.cursor))
        .map((event) => toBusMessage(space, event))
        // One too large for the stream was parked when the engine passed it.
        .filter((message) => message.size <= maxMsgSize);
      await publish(messages);
      options.observer?.forwarded(messages.length, 0);
    }
  }

  async function forwardBatch(events: readonly StoredEvent[], store: LogReader) {
    tail ??= await readTail(jsm, stream);
    const after = resumeAfter(tail);
    let batch = [...events];
    if (after !== undefined) {
      const earlier = events.filter((event) => event.cursor <= after);
      const parked =
        earlier.length > 0 || fillGap ? await options.parkedCursors() : new Set<string>();
      const first = events[0]?.cursor;
      if (fillGap && first !== undefined && first > after) {
        await publishGap(store, after, first, parked);
      }
      // Before the tail: in the stream already, unless parked (an operator's retry).
      batch = events.filter((event) => event.cursor > after || parked.has(event.cursor));
    }
    fillGap = false;
    const messages = batch.map((event) => toBusMessage(space, event));
    const tooLarge = messages.findIndex((message) => message.size > maxMsgSize);
    const published = tooLarge === -1 ? messages : messages.slice(0, tooLarge);
    await publish(published);
    options.observer?.forwarded(published.length, events.length - batch.length);
    const rejected = messages[tooLarge];
    if (rejected !== undefined) {
      await publisher?.drain();
      throw new BusMessageTooLargeError(rejected.eventId, rejected.size, maxMsgSize);
    }
  }

  return {
    tail: () => tail,
    async forward(events, store, { awaitAcks }) {
      try {
        await forwardBatch(events, store);
        if (awaitAcks) await publisher?.drain();
      } catch (error) {
        if (!(error instanceof BusMessageTooLargeError)) {
          // Re-read the tail: what the stream lacks is published again from the log.
          publisher = undefined;
          tail = undefined;
          fillGap = true;
        }
        throw error;
      }
    },
    async settle() {
      await publisher?.drain().catch(() => undefined);
    },
    close() {
      inbox?.close();
    },
  };
}
