import { MsgHdrsImpl, type MsgHdrs } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';

import { encodeCursor, type StoredEvent } from '../../store/index.js';
import { BUS_HEADERS } from '../headers.js';
import { toBusMessage } from './message.js';

const event = (metadata: Record<string, unknown>, streamId = 'task-1'): StoredEvent => ({
  id: '01890a5d-ac96-774b-bcce-b302099a8057',
  type: 'projects.TaskAdded',
  schemaVersion: 2,
  data: { title: 'Schätzung ✓', estimate: 3 },
  metadata,
  streamId,
  streamVersion: 4,
  globalPosition: 17,
  cursor: encodeCursor(900, 17),
  recordedAt: new Date('2026-11-23T10:00:00.000Z'),
});

/** The headers as the client writes them on the wire. */
function encoded(headers: MsgHdrs): Uint8Array {
  if (!(headers instanceof MsgHdrsImpl)) throw new Error('not the client’s own headers');
  return headers.encode();
}

/** The headers as a subscriber decodes them from the wire. */
const wire = (headers: MsgHdrs) => MsgHdrsImpl.decode(encoded(headers));

describe('toBusMessage', () => {
  it('carries the event in headers that survive the wire, and counts their bytes exactly', () => {
    const message = toBusMessage(
      { app: 'devpie' },
      event({ correlationId: 'corr-1', causationId: 'cause-1' }),
    );
    const received = wire(message.headers);
    expect(message.subject).toBe('strata.devpie.projects.TaskAdded.v2');
    expect(received.get(BUS_HEADERS.msgId)).toBe('01890a5d-ac96-774b-bcce-b302099a8057');
    expect(received.get(BUS_HEADERS.ceTime)).toBe('2026-11-23T10:00:00.000Z');
    expect(received.get(BUS_HEADERS.streamVersion)).toBe('4');
    expect(received.get(BUS_HEADERS.correlationId)).toBe('corr-1');
    expect(received.get(BUS_HEADERS.causationId)).toBe('cause-1');
    expect(received.has(BUS_HEADERS.traceparent)).toBe(false);
    expect(JSON.parse(new TextDecoder().decode(message.payload))).toEqual(event({}).data);
    // What the server counts against max_msg_size: the encoded headers plus the payload.
    expect(message.size).toBe(encoded(message.headers).byteLength + message.payload.byteLength);
  });

  it('leaves out a metadata value a header cannot carry instead of refusing the event', () => {
    const message = toBusMessage(
      { app: 'devpie' },
      event({ correlationId: 'evil\r\nNats-Msg-Id: forged', causationId: '  padded  ' }),
    );
    const received = wire(message.headers);
    expect(received.has(BUS_HEADERS.correlationId)).toBe(false);
    expect(received.get(BUS_HEADERS.msgId)).toBe('01890a5d-ac96-774b-bcce-b302099a8057');
    expect(received.values(BUS_HEADERS.msgId)).toHaveLength(1);
    expect(received.get(BUS_HEADERS.causationId)).toBe('padded');
    expect(message.size).toBe(encoded(message.headers).byteLength + message.payload.byteLength);
  });
});
