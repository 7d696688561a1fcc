import { v7 as uuidv7, validate as isUuid } from 'uuid';

import type { MessageRegistry } from '../../messages/index.js';
import { EventTooLargeError, InvalidArgumentError } from '../errors.js';
import type { NewEvent } from '../types.js';

/** Events ready to append, column by column; data and metadata are serialised once, here. */
export interface EncodedEvents {
  readonly ids: readonly string[];
  readonly types: readonly string[];
  readonly schemaVersions: readonly number[];
  /** JSON text. */
  readonly data: readonly string[];
  /** JSON text. */
  readonly metadata: readonly string[];
}

/** How events are checked: against the registry, if any, and the size limit. */
export interface EncodeOptions {
  readonly registry: MessageRegistry | undefined;
  readonly maxEventBytes: number;
  /** Trace fields stored in every event's metadata (replacing any it carries). */
  readonly traceFields?: Readonly<Record<string, string>>;
}

/**
 * Validates events and serialises them for the append. Throws before anything is written:
 * `UnknownMessageError` for a type the registry lacks, `ValidationError` for bad data,
 * `EventTooLargeError`, or `InvalidArgumentError` for a malformed id or type.
 */
export function encodeEvents(events: readonly NewEvent[], options: EncodeOptions): EncodedEvents {
  const encoded = {
    ids: [] as string[],
    types: [] as string[],
    schemaVersions: [] as number[],
    data: [] as string[],
    metadata: [] as string[],
  };
  for (const event of events) {
    const schemaVersion = checkedSchemaVersion(event, options.registry);
    const id = event.id ?? uuidv7();
    if (event.id !== undefined && !isUuid(id)) {
      throw new InvalidArgumentError(`event id ${JSON.stringify(id)}`, 'must be a UUID');
    }
    const data = JSON.stringify(event.data ?? null);
    const metadata = JSON.stringify({ ...event.metadata, ...options.traceFields });
    assertSize(event.type, data, metadata, options.maxEventBytes);
    encoded.ids.push(id);
    encoded.types.push(event.type);
    encoded.schemaVersions.push(schemaVersion);
    encoded.data.push(data);
    encoded.metadata.push(metadata);
  }
  return encoded;
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
