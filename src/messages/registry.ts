import type { TSchema } from 'typebox';

import type {
  CommandDefinition,
  EventDefinition,
  MessageDefinition,
  MessageKind,
} from './define.js';
import {
  DuplicateMessageError,
  UnknownMessageError,
  UnknownSchemaVersionError,
  UpcastError,
} from './errors.js';
import { validatorFor } from './validation.js';

/** A registered message as other systems see it: name, version and plain JSON Schema. */
export interface MessageDescription {
  readonly kind: MessageKind;
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly schema: Readonly<Record<string, unknown>>;
  /** A query's answer, as JSON Schema. */
  readonly result?: Readonly<Record<string, unknown>>;
}

/** Every message a system knows, by name. */
export interface MessageRegistry {
  /** The definition registered under `name`, if any. */
  get(name: string): MessageDefinition | undefined;
  /** The event registered under `name`; throws `UnknownMessageError` otherwise. */
  event(name: string): EventDefinition;
  /** The command registered under `name`; throws `UnknownMessageError` otherwise. */
  command(name: string): CommandDefinition;
  /** The query registered under `name`; throws `UnknownMessageError` otherwise. */
  query(name: string): MessageDefinition<'query'>;
  /** Throws `ValidationError` unless `data` matches the current schema of `name`. */
  validate(name: string, data: unknown): void;
  /**
   * Reads data stored under `storedVersion` of event `name` as the current version, through the
   * event's upcaster chain. Throws `UnknownMessageError`, `UnknownSchemaVersionError` or
   * `UpcastError`.
   */
  upcast(name: string, storedVersion: number, data: unknown): unknown;
  /** Every message, sorted by name, with its JSON Schema. */
  list(): readonly MessageDescription[];
}

/**
 * Builds the registry of a system's messages. A name defined twice is refused here, at start-up,
 * with `DuplicateMessageError`.
 */
export function createMessageRegistry(definitions: Iterable<MessageDefinition>): MessageRegistry {
  const byName = new Map<string, MessageDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) throw new DuplicateMessageError(definition.name);
    byName.set(definition.name, definition);
  }
  const descriptions = [...byName.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(describe);

  function ofKind<Kind extends MessageKind>(name: string, kind: Kind) {
    const definition = byName.get(name);
    if (definition?.kind !== kind) throw new UnknownMessageError(name, kind);
    return definition as MessageDefinition<Kind>;
  }

  function event(name: string): EventDefinition {
    return ofKind(name, 'event') as EventDefinition;
  }

  return {
    get: (name) => byName.get(name),
    event,
    command: (name) => ofKind(name, 'command'),
    query: (name) => ofKind(name, 'query'),
    validate(name, data) {
      const definition = byName.get(name);
      if (definition === undefined) throw new UnknownMessageError(name, 'message');
      validatorFor(definition.schema).assert(name, data);
    },
    upcast(name, storedVersion, data) {
      const definition = event(name);
      if (storedVersion === definition.version) return data;
      if (
        !Number.isInteger(storedVersion) ||
        storedVersion < 1 ||
        storedVersion > definition.version
      ) {
        throw new UnknownSchemaVersionError(name, storedVersion, definition.version);
      }
      let current = data;
      for (const step of definition.upcasters.slice(storedVersion - 1)) {
        current = step.upcast(current as never);
      }
      try {
        validatorFor(definition.schema).assert(name, current);
      } catch (error) {
        throw new UpcastError(name, storedVersion, { cause: error });
      }
      return current;
    },
    list: () => descriptions,
  };
}

// TypeBox schemas are JSON Schema already; a JSON round trip drops TypeBox's non-enumerable
// bookkeeping so the description is plain data.
const plain = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

function describe(definition: MessageDefinition): MessageDescription {
  const { kind, name, version, description, result } = definition;
  return Object.freeze({
    kind,
    name,
    version,
    ...(description === undefined ? {} : { description }),
    schema: plain(definition.schema),
    ...(result === undefined ? {} : { result: plain(result) }),
  });
}
