import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

import type { Cursor, EventStore, StoredEvent } from '../store/index.js';
import { BusMessageTooLargeError } from './errors.js';
import { toBusMessage, type BusMessage } from './nats/message.js';
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

/** Moves events of the log into the stream, after the stream's own tail. */
export interface Relay {
  /**
   * Publishes whichever of `events` the stream lacks — and first any earlier events of the log
   * it lacks (lost by the server) — chained on the stream's last sequence; throws
   * `BusMessageTooLargeError` at an event the stream cannot hold, after those before it.
   */
  forward(events: readonly StoredEvent[], store: LogReader): Promise<void>;
  /** The tail as last seen or made; `undefined` until read, or after a failure. */
  tail(): StreamTail | undefined;
}

/** The part of the store a relay reads: the log, to find events the stream lost. */
export type LogReader = Pick<EventStore, 'readPage'>;

const PAGE = 500;

/** Events of the log after `after` and before `before` (exclusive), decodable ones only. */
async function between(store: LogReader, after: Cursor, before: Cursor): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  let from = after;
  for (;;) {
    const page = await store.readPage(from, { limit: PAGE });
    for (const { event, problem } of page.entries) {
      if (event.cursor >= before) return found;
      // An undecodable event is parked by the engine, never forwarded.
      if (problem === undefined) found.push(event);
    }
    if (page.entries.length < PAGE || page.end === from) return found;
    from = page.end;
  }
}

/** A relay that resumes from the stream's tail (re-read after any failure). */
export function createRelay(options: RelayOptions): Relay {
  const { js, jsm, stream, space, maxMsgSize, window } = options;
  let tail: StreamTail | undefined;
  // After reading the tail, the events between it and the batch may be missing from the stream.
  let fillGap = true;

  async function pending(events: readonly StoredEvent[], store: LogReader, from: StreamTail) {
    const after = from.cursor;
    if (after === undefined || events.length === 0) return [...events];
    const later = events.filter((event) => event.cursor > after);
    const earlier = events.filter((event) => event.cursor <= after);
    const parked = earlier.length > 0 || fillGap ? await options.parkedCursors() : new Set();
    // Before the tail: already in the stream, unless it was parked (an operator's retry).
    const retried = earlier.filter((event) => parked.has(event.cursor));
    const first = events[0]?.cursor;
    const missing =
      fillGap && first !== undefined && first > after
        ? (await between(store, after, first)).filter(
            // One too large for the stream was parked when the engine passed it.
            (event) => !parked.has(event.cursor) && toBusMessage(space, event).size <= maxMsgSize,
          )
        : [];
    return [...retried, ...missing, ...later];
  }

  async function publish(messages: readonly BusMessage[], from: StreamTail): Promise<void> {
    const lastSeq = await publishChained(js, messages, from.lastSeq, window);
    const last = messages.at(-1);
    tail = last === undefined ? from : { lastSeq, cursor: last.cursor };
  }

  return {
    tail: () => tail,
    async forward(events, store) {
      try {
        const from = tail ?? (await readTail(jsm, stream));
        tail = from;
        const messages = (await pending(events, store, from)).map((event) =>
          toBusMessage(space, event),
        );
        fillGap = false;
        const tooLarge = messages.findIndex((message) => message.size > maxMsgSize);
        await publish(tooLarge === -1 ? messages : messages.slice(0, tooLarge), from);
        const rejected = messages[tooLarge];
        if (rejected !== undefined) {
          throw new BusMessageTooLargeError(rejected.eventId, rejected.size, maxMsgSize);
        }
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
