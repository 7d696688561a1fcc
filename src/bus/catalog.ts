import type { TSchema } from 'typebox';

import type { MessageRegistry } from '../messages/index.js';
import { subjectOf, type SubjectSpace } from './subjects.js';

/** One kind of message on the bus: an event type at one schema version, on its own subject. */
export interface BusSubjectSchema {
  readonly subject: string;
  /** The event type (`projects.TaskAdded`). */
  readonly name: string;
  readonly version: number;
  /** The JSON Schema of the payload (the event's data at `version`), as plain data. */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly description?: string;
}

// A JSON round trip drops TypeBox's non-enumerable bookkeeping: the schema becomes plain data.
const plain = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

/**
 * Every message an app can put on the bus, sorted by subject: each event at its current version
 * and at every older one its upcasters describe, since the forwarder publishes data as stored
 * and the log may still hold old versions.
 */
export function busMessages(space: SubjectSpace, registry: MessageRegistry): BusSubjectSchema[] {
  const messages: BusSubjectSchema[] = [];
  for (const { kind, name } of registry.list()) {
    if (kind !== 'event') continue;
    const event = registry.event(name);
    const schemas = [...event.upcasters.map((step) => step.schema), event.schema];
    schemas.forEach((schema, index) => {
      const version = index + 1;
      messages.push({
        subject: subjectOf(space, name, version),
        name,
        version,
        schema: plain(schema),
        ...(event.description === undefined ? {} : { description: event.description }),
      });
    });
  }
  return messages.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}
