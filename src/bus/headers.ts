/**
 * The headers every message on the bus carries: its payload is the event's data as stored, so
 * everything else about the event travels here. NATS header values are strings.
 */

/** Header names, exactly as the forwarder sets them and the AsyncAPI document declares them. */
export const BUS_HEADERS = {
  /** The event id: JetStream's de-duplication key. */
  msgId: 'Nats-Msg-Id',
  /** CloudEvents binary mode: the event id. */
  ceId: 'ce-id',
  /** CloudEvents binary mode: the event type (`projects.TaskAdded`). */
  ceType: 'ce-type',
  /** CloudEvents binary mode: where the event comes from (the app). */
  ceSource: 'ce-source',
  /** CloudEvents binary mode: always `1.0`. */
  ceSpecVersion: 'ce-specversion',
  /** CloudEvents binary mode: when the event was recorded (RFC 3339). */
  ceTime: 'ce-time',
  stream: 'Strata-Stream',
  streamVersion: 'Strata-Stream-Version',
  position: 'Strata-Position',
  cursor: 'Strata-Cursor',
  schemaVersion: 'Strata-Schema-Version',
  correlationId: 'Strata-Correlation-Id',
  causationId: 'Strata-Causation-Id',
  /** W3C trace context, when the event was recorded inside a trace. */
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

/** The content type of every payload. */
export const BUS_CONTENT_TYPE = 'application/json';

const text = (description: string) => ({ type: 'string', minLength: 1, description });
const integer = (description: string) => ({ type: 'string', pattern: '^[0-9]+$', description });

/**
 * The JSON Schema of a message's headers, the same on every subject (an object of strings).
 * The correlation and causation ids and `traceparent` are there only when the event has them.
 */
export function busHeadersSchema(): Record<string, unknown> {
  const h = BUS_HEADERS;
  return {
    type: 'object',
    required: [
      h.msgId,
      h.ceId,
      h.ceType,
      h.ceSource,
      h.ceSpecVersion,
      h.ceTime,
      h.stream,
      h.streamVersion,
      h.position,
      h.cursor,
      h.schemaVersion,
      h.contentType,
    ],
    properties: {
      [h.msgId]: text('The event id; JetStream drops a second message with the same id'),
      [h.ceId]: text('CloudEvents id: the event id'),
      [h.ceType]: text('CloudEvents type: the event type, such as projects.TaskAdded'),
      [h.ceSource]: text('CloudEvents source: the app that recorded the event'),
      [h.ceSpecVersion]: { type: 'string', const: '1.0', description: 'CloudEvents version' },
      [h.ceTime]: { type: 'string', format: 'date-time', description: 'When it was recorded' },
      [h.stream]: text('The id of the stream the event belongs to'),
      [h.streamVersion]: integer("The event's version within its stream, from 1"),
      [h.position]: integer("The event's position in the app's log"),
      [h.cursor]: text("The event's cursor in the log (opaque): where a reader resumes after it"),
      [h.schemaVersion]: integer('The schema version of the payload, as in the subject (vN)'),
      [h.correlationId]: text('The id shared by every message of one conversation'),
      [h.causationId]: text('The id of the message that caused this event'),
      [h.traceparent]: {
        type: 'string',
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        description: 'W3C trace context of the request that recorded the event',
      },
      [h.contentType]: { type: 'string', const: BUS_CONTENT_TYPE },
    },
  };
}
