export { appSubjects, DEFAULT_SUBJECT_PREFIX, subjectOf, subjectToken } from './subjects.js';
export type { SubjectSpace } from './subjects.js';
export { createBusForwarder, FORWARDER_SUBSCRIBER, streamSettings } from './forwarder.js';
export type { BusForwarder, BusForwarderOptions, BusForwarderStatus } from './forwarder.js';
export {
  BusMessageTooLargeError,
  BusPublishRefusedError,
  BusStreamIncompatibleError,
} from './errors.js';
export { CURSOR_HEADER, RESYNC_TAIL_HEADER, toBusMessage } from './nats/message.js';
export type { BusMessage } from './nats/message.js';
export { connectJetStream } from './nats/connection.js';
export type { JetStreamHandles, NatsConnectOptions } from './nats/connection.js';
export { DEFAULT_STREAM_SETTINGS, ensureStream } from './nats/stream.js';
export type { BusStreamSettings } from './nats/stream.js';
export { publishChained } from './nats/publisher.js';
export { readTail } from './nats/tail.js';
export type { StreamTail } from './nats/tail.js';
export { createRelay } from './relay.js';
export type { LogReader, Relay, RelayOptions } from './relay.js';
export { resyncStream, ResyncPositionError } from './resync.js';
export type { ResyncOptions, ResyncReport } from './resync.js';
