import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

import { StrataError } from '../errors.js';
import {
  decodeCursor,
  encodeCursor,
  LOG_START,
  type Cursor,
  type EventStore,
  type StoredEvent,
} from '../store/index.js';
import { RESYNC_TAIL_HEADER, toBusMessage } from './nats/message.js';
import { isWrongLastSequence } from './nats/publisher.js';
import { readTail, type StreamTail } from './nats/tail.js';
import type { SubjectSpace } from './subjects.js';

/** No event of the log has the position a resync was asked to start from. */
export class ResyncPositionError extends StrataError {
  readonly code = 'UNKNOWN_POSITION';
}

/** What `resyncStream` needs. */
export interface ResyncOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly space: SubjectSpace;
  readonly maxMsgSize: number;
  readonly store: Pick<EventStore, 'readAll' | 'cursorAt'>;
  /** First global position to re-publish (0: the log's start). */
  readonly from: number;
}

/** What a resync did. */
export interface ResyncReport {
  /** Messages stored again. */
  readonly published: number;
  /** Events the server dropped as duplicates: their message is within the duplicate window. */
  readonly duplicates: number;
  /** Events larger than the stream's `max_msg_size`, left out. */
  readonly tooLarge: number;
}

/** The cursor just before the event at `position`: reading after it starts with that event. */
async function before(store: ResyncOptions['store'], position: number): Promise<Cursor> {
  if (position <= 0) return LOG_START;
  const cursor = await store.cursorAt(position);
  if (cursor === undefined) {
    throw new ResyncPositionError(`No event of the log has position ${position}`);
  }
  const { transactionId } = decodeCursor(cursor);
  return encodeCursor(transactionId, position - 1);
}

/** Publishes one event chained on `tail`; re-reads the tail while another publisher moves it. */
async function republish(options: ResyncOptions, event: StoredEvent, tail: StreamTail) {
  let current = tail;
  for (;;) {
    const message = toBusMessage(options.space, event, {
      [RESYNC_TAIL_HEADER]: current.cursor ?? '',
    });
    if (message.size > options.maxMsgSize) return { outcome: 'too-large', tail: current } as const;
    try {
      const ack = await options.js.publish(message.subject, message.payload, {
        headers: message.headers,
        expect: { lastSequence: current.lastSeq },
      });
      if (ack.duplicate) return { outcome: 'duplicate', tail: current } as const;
      return { outcome: 'published', tail: { ...current, lastSeq: ack.seq } } as const;
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      current = await readTail(options.jsm, options.stream);
    }
  }
}

/**
 * `strata bus resync`: re-publishes the log's events from position `from` up to the stream's
 * tail, in log order, chained on the stream's last sequence. Each message keeps its event id
 * (`Nats-Msg-Id`, `ce-id`: consumers drop what they have) and carries the forwarder's tail in
 * `Strata-Resync-Tail`, so the forwarder resumes where it was, not at the re-published event.
 */
export async function resyncStream(options: ResyncOptions): Promise<ResyncReport> {
  let tail = await readTail(options.jsm, options.stream);
  const end = tail.cursor;
  const counts = { published: 0, duplicates: 0, tooLarge: 0 };
  if (end === undefined) return counts;
  for await (const event of options.store.readAll({
    after: await before(options.store, options.from),
  })) {
    if (event.cursor > end) break;
    const result = await republish(options, event, tail);
    tail = result.tail;
    if (result.outcome === 'published') counts.published++;
    if (result.outcome === 'duplicate') counts.duplicates++;
    if (result.outcome === 'too-large') counts.tooLarge++;
  }
  return counts;
}
