import { InvalidStreamIdError } from './errors.js';

/** The longest stream id accepted, in characters. */
export const MAX_STREAM_ID_LENGTH = 200;

// C0 and C1 control characters, DEL included: invisible in logs, unsafe in subjects and paths.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// With the `u` flag a surrogate pair is one code point: only an unpaired surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Throws `InvalidStreamIdError` unless `streamId` is a non-empty, bounded, printable string that
 * `GET /streams/{id}` can reach.
 */
export function assertValidStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string') {
    throw new InvalidStreamIdError(String(streamId), 'must be a string');
  }
  if (streamId.length === 0) throw new InvalidStreamIdError(streamId, 'must not be empty');
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidStreamIdError(
      streamId,
      `must be at most ${MAX_STREAM_ID_LENGTH} characters, got ${streamId.length}`,
    );
  }
  if (CONTROL_CHARACTER.test(streamId)) {
    throw new InvalidStreamIdError(streamId, 'must not contain control characters');
  }
  // An HTTP client resolves `.` and `..` (even escaped) as path segments: /streams/{id} could
  // never reach such a stream. A lone surrogate is not text: PostgreSQL would store U+FFFD.
  if (streamId === '.' || streamId === '..') {
    throw new InvalidStreamIdError(streamId, 'must not be "." or ".."');
  }
  if (LONE_SURROGATE.test(streamId)) {
    throw new InvalidStreamIdError(streamId, 'must not contain unpaired UTF-16 surrogates');
  }
}

/** The stream's category: the part of its id before the first `-` (the whole id if none). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}
