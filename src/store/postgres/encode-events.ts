import { v7 as uuidv7, validate as isUuid } from 'uuid';

import type { MessageRegistry } from '../../messages/index.js';
import { EventTooLargeError, InvalidArgumentError } from '../errors.js';
import type { NewEvent } from '../types.js';

/** Events ready to append: their ids and types, and the JSON payload `append_events` takes. */
export interface EncodedEvents {
  readonly ids: readonly string[];
  readonly types: readonly string[];
  /** A JSON array; each event's data is serialised exactly once, here. */
  readonly payload: string;
}

export interface EncodeOptions {
  readonly registry: MessageRegistry | undefined;
  readonly maxEventBytes: number;
}

/**
 * Validates events and serialises them for the append. Throws before anything is written:
 * `UnknownMessageError` for a type the registry lacks, `ValidationError` for bad data,
 * `EventTooLargeError`, or `InvalidArgumentError` for a malformed id.
 */
export function encodeEvents(events: readonly NewEvent[], options: EncodeOptions): EncodedEvents {
  const ids: string[] = [];
  const types: string[] = [];
  const parts: string[] = [];
  for (const event of events) {
    const schemaVersion = checkedSchemaVersion(event, options.registry);
    const id = event.id ?? uuidv7();
    if (!isUuid(id)) throw new InvalidArgumentError(`event id ${JSON.stringify(id)}`, 'must be a UUID');
    const data = JSON.stringify(event.data ?? null);
    const metadata = JSON.stringify(event.metadata ?? {});
    assertSize(event.type, data, metadata, options.maxEventBytes);
    ids.push(id);
    types.push(event.type);
    parts.push(
      `{"id":"${id}","type":${JSON.stringify(event.type)},"schemaVersion":${schemaVersion},` +
        `"data":${data},"metadata":${metadata}}`,
    );
  }
  return { ids, types, payload: `[${parts.join(',')}]` };
}

function checkedSchemaVersion(event: NewEvent, registry: MessageRegistry | undefined): number {
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new InvalidArgumentError('event type', 'must be a non-empty string');
  }
  if (registry === undefined) return 1;
  const definition = registry.event(event.type);
  registry.validate(event.type, event.data);
  return definition.version;
}

function assertSize(type: string, data: string, metadata: string, limit: number): void {
  const length = data.length + metadata.length;
  // A UTF-16 unit takes at most 3 UTF-8 bytes: most events are measured without a byte count.
  if (length * 3 <= limit) return;
  const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
  if (size > limit) throw new EventTooLargeError(type, size, limit);
}
