export { asyncApiDocument } from './asyncapi.js';
export type { AsyncApiOptions } from './asyncapi.js';
export { busMessages } from './catalog.js';
export type { BusMessage } from './catalog.js';
export { BUS_CONTENT_TYPE, BUS_HEADERS, busHeadersSchema } from './headers.js';
export { ASYNCAPI_KEY, publishSchemas, schemaBucketName } from './nats/publish-schemas.js';
export type { SchemaPublication, SchemaPublicationOptions } from './nats/publish-schemas.js';
export { appSubjects, DEFAULT_SUBJECT_PREFIX, subjectOf, subjectToken } from './subjects.js';
export type { SubjectSpace } from './subjects.js';
