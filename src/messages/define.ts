import type { Static, TSchema } from 'typebox';

import { InvalidDefinitionError } from './errors.js';

/** What a message is for. */
export type MessageKind = 'event' | 'command' | 'query';

/** A dotted, namespaced message name such as `projects.ProjectCreated`. */
const MESSAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** Fields every message definition has, whatever its kind. */
export interface MessageDefinition<
  Kind extends MessageKind = MessageKind,
  Name extends string = string,
  Schema extends TSchema = TSchema,
> {
  readonly kind: Kind;
  readonly name: Name;
  /** Version of `schema`; stored events remember the version they were written with. */
  readonly version: number;
  readonly schema: Schema;
  readonly description?: string;
  /** A query's answer (`defineQuery` sets it); events and commands have none. */
  readonly result?: TSchema;
}

/** Lifts stored data of `fromVersion` to `fromVersion + 1`. */
export interface Upcaster {
  readonly fromVersion: number;
  readonly schema: TSchema;
  readonly upcast: (data: never) => unknown;
}

/** An event type: past tense, immutable once stored, upcast from older versions on read. */
export interface EventDefinition<
  Name extends string = string,
  Schema extends TSchema = TSchema,
> extends MessageDefinition<'event', Name, Schema> {
  /** One upcaster per older version, ordered from version 1 up to `version - 1`. */
  readonly upcasters: readonly Upcaster[];
}

/** A command type: an imperative request that a decider accepts or rejects. */
export type CommandDefinition<
  Name extends string = string,
  Schema extends TSchema = TSchema,
> = MessageDefinition<'command', Name, Schema>;

/**
 * The value of an event in a decider: its type name and its typed data. Given a union of
 * definitions it gives the discriminated union of their events.
 */
export type EventOf<D extends EventDefinition> = D extends EventDefinition
  ? { readonly type: D['name']; readonly data: Static<D['schema']> }
  : never;

/** The value of a command as a decider sees it; distributes over a union like `EventOf`. */
export type CommandOf<D extends CommandDefinition> = D extends CommandDefinition
  ? { readonly type: D['name']; readonly data: Static<D['schema']> }
  : never;

/** Options shared by `defineEvent` and `defineCommand`. */
export interface DefineOptions<Name extends string, Schema extends TSchema> {
  readonly name: Name;
  readonly schema: Schema;
  /** Schema version, a positive integer; defaults to 1. */
  readonly version?: number;
  readonly description?: string;
}

/** Options of `defineEvent`. */
export interface DefineEventOptions<
  Name extends string,
  Schema extends TSchema,
> extends DefineOptions<Name, Schema> {
  /** Required when `version` > 1: how to read each older version (see `upcaster`). */
  readonly upcasters?: readonly Upcaster[];
}

/**
 * Declares an event type once; validation, JSON Schema, bus subjects and lake partitions all
 * derive from this declaration.
 *
 * @example
 * const ProjectCreated = defineEvent({
 *   name: 'projects.ProjectCreated',
 *   schema: Type.Object({ projectId: Type.String(), name: Type.String() }),
 * });
 */
export function defineEvent<const Name extends string, Schema extends TSchema>(
  options: DefineEventOptions<Name, Schema>,
): EventDefinition<Name, Schema> {
  const base = checkedBase('event', options);
  const upcasters = [...(options.upcasters ?? [])].sort((a, b) => a.fromVersion - b.fromVersion);
  upcasters.forEach((step, index) => {
    if (step.fromVersion !== index + 1) {
      throw new InvalidDefinitionError(
        base.name,
        `upcasters must cover versions 1..${base.version - 1} in order; found one from version ${step.fromVersion}`,
      );
    }
  });
  if (upcasters.length !== base.version - 1) {
    throw new InvalidDefinitionError(
      base.name,
      `version ${base.version} needs ${base.version - 1} upcaster(s), one per older version; got ${upcasters.length}`,
    );
  }
  return Object.freeze({ ...base, upcasters: Object.freeze(upcasters) });
}

/**
 * Declares a command type once.
 *
 * @example
 * const CreateProject = defineCommand({
 *   name: 'projects.CreateProject',
 *   schema: Type.Object({ projectId: Type.String(), name: Type.String({ minLength: 1 }) }),
 * });
 */
export function defineCommand<const Name extends string, Schema extends TSchema>(
  options: DefineOptions<Name, Schema>,
): CommandDefinition<Name, Schema> {
  return Object.freeze(checkedBase('command', options));
}

/**
 * A checked message definition of any kind; the read side builds `defineQuery` on it.
 */
export function defineMessage<
  Kind extends MessageKind,
  const Name extends string,
  Schema extends TSchema,
>(kind: Kind, options: DefineOptions<Name, Schema>): MessageDefinition<Kind, Name, Schema> {
  return checkedBase(kind, options);
}

/**
 * Declares how data stored under `fromVersion` (described by `schema`) becomes the next version.
 *
 * @example
 * upcaster(1, ProjectCreatedV1, (v1) => ({ ...v1, description: '' }))
 */
export function upcaster<Schema extends TSchema>(
  fromVersion: number,
  schema: Schema,
  upcast: (data: Static<Schema>) => unknown,
): Upcaster {
  return Object.freeze({ fromVersion, schema, upcast });
}

function checkedBase<Kind extends MessageKind, Name extends string, Schema extends TSchema>(
  kind: Kind,
  options: DefineOptions<Name, Schema>,
): MessageDefinition<Kind, Name, Schema> {
  const { name, schema, version = 1, description } = options;
  if (!MESSAGE_NAME.test(name)) {
    throw new InvalidDefinitionError(
      name,
      'a message name is dotted, like "projects.ProjectCreated" (letters, digits, _)',
    );
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidDefinitionError(name, `version must be a positive integer, got ${version}`);
  }
  return description === undefined
    ? { kind, name, version, schema }
    : { kind, name, version, schema, description };
}
