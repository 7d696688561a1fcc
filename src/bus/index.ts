export { asyncApiDocument } from './asyncapi.js';
export type { AsyncApiOptions } from './asyncapi.js';
export { busMessages } from './catalog.js';
export type { BusSubjectSchema } from './catalog.js';
export { BUS_CONTENT_TYPE, BUS_HEADERS, busHeadersSchema } from './headers.js';
export { ASYNCAPI_KEY, publishSchemas, schemaBucketName } from './nats/publish-schemas.js';
export type { SchemaPublication, SchemaPublicationOptions } from './nats/publish-schemas.js';
export { startBusConsumer } from './consumer.js';
export type { BusConsumer, BusConsumerOptions } from './consumer.js';
export { decodeBusMessage } from './consumer-decode.js';
export type { BusMessage, BusMessageOf, RawBusMessage } from './consumer-decode.js';
export type { BusHandler, BusHandlerContext } from './consumer-handling.js';
export { busSubscriberName } from './consumer-parking.js';
export {
  DEFAULT_CONSUMER_SETTINGS,
  describeDelivery,
  ensureDurableConsumer,
} from './consumer-setup.js';
export type { DurableConsumerSpec } from './consumer-setup.js';
export {
  advisoryStreamName,
  DEFAULT_ADVISORY_MAX_AGE_MS,
  maxDeliveriesSubject,
} from './consumer-advisory-stream.js';
export { BusConsumerMismatchError, UndecodableBusMessageError } from './errors.js';
export { appSubjects, DEFAULT_SUBJECT_PREFIX, subjectOf, subjectToken } from './subjects.js';
export type { SubjectSpace } from './subjects.js';
export { createBusForwarder, FORWARDER_SUBSCRIBER, streamSettings } from './forwarder.js';
export type { BusForwarder, BusForwarderOptions, BusForwarderStatus } from './forwarder.js';
export {
  BusMessageTooLargeError,
  BusPublishError,
  BusPublishRefusedError,
  BusStreamIncompatibleError,
} from './errors.js';
export { CURSOR_HEADER, RESYNC_TAIL_HEADER, toBusMessage } from './nats/message.js';
export type { OutgoingBusMessage } from './nats/message.js';
export { connectJetStream } from './nats/connection.js';
export type { JetStreamHandles, NatsConnectOptions } from './nats/connection.js';
export { DEFAULT_STREAM_SETTINGS, ensureStream } from './nats/stream.js';
export type { BusStreamSettings } from './nats/stream.js';
export { chainedPublisher, type ChainedPublisher } from './nats/publisher.js';
export { readTail } from './nats/tail.js';
export type { StreamTail } from './nats/tail.js';
export { createRelay } from './relay.js';
export type { LogReader, Relay, RelayObserver, RelayOptions } from './relay.js';
export { resyncStream, ResyncPositionError } from './resync.js';
export type { ResyncOptions, ResyncReport } from './resync.js';
