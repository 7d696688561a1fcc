import type { MessageRegistry } from '../messages/index.js';
import { busMessages, type BusSubjectSchema } from './catalog.js';
import { BUS_CONTENT_TYPE, BUS_HEADERS, busHeadersSchema } from './headers.js';
import { appSubjects, type SubjectSpace } from './subjects.js';

/** A JSON value of the document. */
type Json = Record<string, unknown>;

/** What the AsyncAPI document describes: one app's subjects. */
export interface AsyncApiOptions extends SubjectSpace {
  readonly registry: MessageRegistry;
}

/** The name of the headers' schema among the document's components. */
const HEADERS = 'StrataHeaders';

/** A message's id in the document: its type and version (`projects.TaskAdded.v1`). */
const idOf = (message: BusSubjectSchema) => `${message.name}.v${message.version}`;

function messageObject(message: BusSubjectSchema): Json {
  return {
    name: message.name,
    title: `${message.name} v${message.version}`,
    ...(message.description === undefined ? {} : { summary: message.description }),
    contentType: BUS_CONTENT_TYPE,
    headers: { $ref: `#/components/schemas/${HEADERS}` },
    payload: message.schema,
    correlationId: {
      description: 'Shared by every message of one conversation',
      location: `$message.header#/${BUS_HEADERS.correlationId}`,
    },
    tags: [{ name: message.name.split('.')[0] ?? message.name }],
  };
}

/**
 * The AsyncAPI 3.0 document of an app's bus: a channel per subject (`subjectOf`: each event
 * type at each schema version), the payload the event's JSON Schema from the registry, the
 * headers the forwarder sets. The app sends on every channel; a service in any language
 * generates its types from this. Needs no NATS connection: the gateway always serves it.
 */
export function asyncApiDocument(options: AsyncApiOptions): Json {
  const { registry, ...space } = options;
  const messages = busMessages(space, registry);
  const channels: Json = {};
  const operations: Json = {};
  const components: Json = {};
  for (const message of messages) {
    const id = idOf(message);
    channels[id] = {
      address: message.subject,
      title: `${message.name} v${message.version}`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[`send.${id}`] = {
      action: 'send',
      summary: `The app publishes every ${message.name} event stored at version ${message.version}`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
    components[id] = messageObject(message);
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${space.app} events`,
      version: '1.0.0',
      description:
        `Every event of ${space.app}, as Strata's forwarder publishes it to NATS JetStream: ` +
        `one subject per event type and schema version ` +
        `(${appSubjects(space).slice(0, -1)}<context>.<Event>.v<N>), ` +
        'the payload the data as stored, the event attributes in headers.',
    },
    defaultContentType: BUS_CONTENT_TYPE,
    channels,
    operations,
    components: { schemas: { [HEADERS]: busHeadersSchema() }, messages: components },
  };
}
