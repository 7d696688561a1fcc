import { MsgHdrsImpl, type MsgHdrs } from '@nats-io/nats-core';

import type { Cursor, StoredEvent } from '../../store/index.js';
import { BUS_CONTENT_TYPE, BUS_HEADERS } from '../headers.js';
import { subjectOf, type SubjectSpace } from '../subjects.js';

/** Header carrying the event's log cursor: the forwarder resumes after the stream's last one. */
export const CURSOR_HEADER = BUS_HEADERS.cursor;

const H = BUS_HEADERS;

/** One event as a JetStream message: subject, payload bytes and headers. */
export interface OutgoingBusMessage {
  readonly eventId: string;
  readonly cursor: Cursor;
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: MsgHdrs;
  /** Payload and headers, as the server counts them against `max_msg_size`. */
  readonly size: number;
}

/**
 * Header of a message `strata bus resync` re-published: the cursor the forwarder had reached,
 * which stays its resume point (the message's own cursor is older).
 */
export const RESYNC_TAIL_HEADER = 'Strata-Resync-Tail';

const encoder = new TextEncoder();

/**
 * A header value, or `undefined` to leave the header out: NATS cannot carry CR or LF in one,
 * and the client would refuse the whole message for it — a correlation id a caller sent with a
 * line break must not wedge the forwarder. Surrounding blanks go, as the client would trim them.
 */
function headerValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || /[\r\n]/.test(trimmed) ? undefined : trimmed;
}

/** Subjects by space, type and version: the same few strings for every event of a relay. */
const subjects = new WeakMap<SubjectSpace, Map<string, string>>();

function cachedSubject(space: SubjectSpace, type: string, version: number): string {
  let known = subjects.get(space);
  if (known === undefined) subjects.set(space, (known = new Map<string, string>()));
  const key = `${type}\u0000${version}`;
  let subject = known.get(key);
  if (subject === undefined) known.set(key, (subject = subjectOf(space, type, version)));
  return subject;
}

/**
 * The message for `event`: payload = its data as JSON (no envelope), attributes in headers
 * (CloudEvents binary mode, plus Strata's own), `Nats-Msg-Id` = event id.
 */
export function toBusMessage(
  space: SubjectSpace,
  event: StoredEvent,
  extraHeaders: Readonly<Record<string, string>> = {},
): OutgoingBusMessage {
  const record: Record<string, string[]> = {};
  // The wire form `NATS/1.0\r\n` + `name: value\r\n`… + `\r\n`, which the server counts.
  let headerBytes = 12;
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    record[name] = [value];
    // Counted, not encoded: `TextEncoder` here was a third of the message's cost.
    headerBytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  };
  set(H.msgId, event.id);
  set(H.ceSpecVersion, '1.0');
  set(H.ceId, event.id);
  set(H.ceType, event.type);
  set(H.ceSource, `strata/${space.app}`);
  set(H.ceTime, event.recordedAt.toISOString());
  set(H.contentType, BUS_CONTENT_TYPE);
  set(H.stream, headerValue(event.streamId));
  set(H.streamVersion, String(event.streamVersion));
  set(H.position, String(event.globalPosition));
  set(CURSOR_HEADER, event.cursor);
  set(H.schemaVersion, String(event.schemaVersion));
  set(H.correlationId, headerValue(event.metadata.correlationId));
  set(H.causationId, headerValue(event.metadata.causationId));
  set(H.traceparent, headerValue(event.metadata.traceparent));
  set('tracestate', headerValue(event.metadata.tracestate));
  for (const [name, value] of Object.entries(extraHeaders)) set(name, headerValue(value));
  // Names are Strata's constants and values checked above, so the client's per-header
  // validation (a third of the cost of building a message) is skipped.
  const headers = MsgHdrsImpl.fromRecord(record);
  const payload = encoder.encode(JSON.stringify(event.data));
  return {
    eventId: event.id,
    cursor: event.cursor,
    subject: cachedSubject(space, event.type, event.schemaVersion),
    payload,
    headers,
    size: payload.byteLength + headerBytes,
  };
}
