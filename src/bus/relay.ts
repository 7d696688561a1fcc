import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

import { LOG_START, type Cursor, type EventStore, type StoredEvent } from '../store/index.js';
import { BusMessageTooLargeError } from './errors.js';
import { toBusMessage, type OutgoingBusMessage } from './nats/message.js';
import { publishChained } from './nats/publisher.js';
import { readTail, type StreamTail } from './nats/tail.js';
import type { SubjectSpace } from './subjects.js';

/** What a relay needs: the JetStream handles, the stream, and how events become messages. */
export interface RelayOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly space: SubjectSpace;
  readonly maxMsgSize: number;
  /** Most publishes awaiting their ack at once. */
  readonly window: number;
  /** Cursors of the events parked for the forwarder: not in the stream, though before its tail. */
  readonly parkedCursors: () => Promise<ReadonlySet<string>>;
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
  forward(events: readonly StoredEvent[], store: LogReader): Promise<void>;
  /** The tail as last seen or made; `undefined` until read, or after a failure. */
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

/** A relay that resumes from the stream's tail (re-read after any failure). */
export function createRelay(options: RelayOptions): Relay {
  const { js, jsm, stream, space, maxMsgSize, window } = options;
  let tail: StreamTail | undefined;
  // After reading the tail, the events between it and the batch may be missing from the stream.
  let fillGap = true;

  async function publish(messages: readonly OutgoingBusMessage[]): Promise<void> {
    const from = tail ?? (await readTail(jsm, stream));
    const lastSeq = await publishChained(js, messages, from.lastSeq, window);
    const last = messages.at(-1);
    tail = last === undefined ? from : { lastSeq, cursor: last.cursor };
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
    await publish(tooLarge === -1 ? messages : messages.slice(0, tooLarge));
    const rejected = messages[tooLarge];
    if (rejected !== undefined) {
      throw new BusMessageTooLargeError(rejected.eventId, rejected.size, maxMsgSize);
    }
  }

  return {
    tail: () => tail,
    async forward(events, store) {
      try {
        await forwardBatch(events, store);
      } catch (error) {
        if (!(error instanceof BusMessageTooLargeError)) {
          tail = undefined;
          fillGap = true;
        }
        throw error;
      }
    },
  };
}
