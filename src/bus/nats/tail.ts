import type { JetStreamManager } from '@nats-io/jetstream';

import { parseCursor, type Cursor } from '../../store/index.js';
import { CURSOR_HEADER, RESYNC_TAIL_HEADER } from './message.js';

/** The end of the stream as the server has it now. */
export interface StreamTail {
  /** The stream's last sequence (0 when nothing was ever stored): the next publish expects it. */
  readonly lastSeq: number;
  /**
   * The log cursor of the last message; `undefined` when the stream holds none (empty, or
   * every message aged out), and the forwarder then trusts its database checkpoint.
   */
  readonly cursor: Cursor | undefined;
}

/** Reads the stream's real tail: its last sequence and that message's cursor header. */
export async function readTail(jsm: JetStreamManager, stream: string): Promise<StreamTail> {
  const { state } = await jsm.streams.info(stream);
  if (state.messages === 0 || state.last_seq === 0) {
    return { lastSeq: state.last_seq, cursor: undefined };
  }
  // `null` when the last message was deleted by hand: the checkpoint decides, as when aged out.
  const last = await jsm.streams.getMessage(stream, { seq: state.last_seq });
  // After a resync, the forwarder's resume point is the tail it had, not the re-published event.
  const header = last?.header.get(RESYNC_TAIL_HEADER) || last?.header.get(CURSOR_HEADER);
  return {
    lastSeq: state.last_seq,
    cursor: header === undefined || header === '' ? undefined : parseCursor(header),
  };
}
