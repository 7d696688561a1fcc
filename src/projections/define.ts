import type { EventDefinition } from '../messages/index.js';
import type { RetryPolicy } from '../retry.js';
import type { StoredEvent, StoredEventNamed } from '../store/index.js';
import type { PoisonPolicy } from '../subscriptions/index.js';
import { InvalidProjectionError } from './errors.js';
import type { ViewWriter } from './views.js';

/** Applies one event to the read models. */
export type ProjectionHandler<Event extends StoredEvent = StoredEvent> = (
  event: Event,
  views: ViewWriter,
) => Promise<void> | void;

/** Handlers by event type; typed from `events` when the projection lists them. */
export type ProjectionHandlers<Events extends readonly EventDefinition[]> = {
  readonly [Name in Events[number]['name']]?: ProjectionHandler<StoredEventNamed<Events, Name>>;
};

/** A projection: turns events into read models, kept in step with the log. */
export interface ProjectionDefinition<
  Events extends readonly EventDefinition[] = readonly EventDefinition[],
> {
  /** Dotted lower-case name, e.g. `projects.detail`. */
  readonly name: string;
  /** The events it handles, when it lists them (typed handlers, `projectionSpec`). */
  readonly events?: Events;
  /** Bump it when the handlers change what they write: the projection is rebuilt. */
  readonly version: number;
  readonly handlers: Readonly<Record<string, ProjectionHandler<never> | undefined>>;
  /**
   * Tables of the projection's own, beyond document collections: logical name → column
   * definitions. Each storage generation gets its own copy; `views.table(name)` names it.
   */
  readonly tables?: Readonly<Record<string, string>>;
  /**
   * Apply events in their append's transaction too, so the read model is not behind a
   * committed append. An event is applied inline only when the active generation has applied
   * its stream's earlier events (one appended by a process without the projection, or not yet
   * reached after a rebuild, leaves the next ones of its stream to the subscriber, which
   * applies them in order), and appends writing the same generation take turns, so concurrent
   * updates of one document all land. The subscriber applies (once) everything else.
   */
  readonly inline?: boolean;
  readonly batchSize?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly onPoisonEvent?: PoisonPolicy;
}

/** What `defineProjection` takes; each field is described on `ProjectionDefinition`. */
export interface DefineProjectionOptions<Events extends readonly EventDefinition[]> {
  readonly name: string;
  readonly version: number;
  /** The events it handles, for typed handlers; optional. */
  readonly events?: Events;
  readonly handlers: ProjectionHandlers<NoInfer<Events>>;
  readonly tables?: Readonly<Record<string, string>>;
  readonly inline?: boolean;
  readonly batchSize?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly onPoisonEvent?: PoisonPolicy;
}

const PROJECTION_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const TABLE_NAME = /^[a-z][a-z0-9_]*$/;
/** Keeps `view_<name>_g<generation>_<table>` within PostgreSQL's 63-character identifiers. */
const MAX_NAME_LENGTH = 32;
const MAX_TABLE_NAME_LENGTH = 12;

/**
 * Declares a projection.
 *
 * @example
 * const projectDetail = defineProjection({
 *   name: 'projects.detail',
 *   version: 1,
 *   events: [ProjectCreated],
 *   handlers: {
 *     'projects.ProjectCreated': (event, views) =>
 *       views.collection('projects').insert(event.data.projectId, { name: event.data.name }),
 *   },
 * });
 */
export function defineProjection<
  const Events extends readonly EventDefinition[] = readonly EventDefinition[],
>(options: DefineProjectionOptions<Events>): ProjectionDefinition<Events> {
  const { name, version, tables = {} } = options;
  if (!PROJECTION_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new InvalidProjectionError(
      name,
      `a name is dotted lower-case words (letters, digits, _), at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidProjectionError(name, `version must be a positive integer, got ${version}`);
  }
  for (const table of Object.keys(tables)) {
    if (!TABLE_NAME.test(table) || table.length > MAX_TABLE_NAME_LENGTH) {
      throw new InvalidProjectionError(
        name,
        `table name ${JSON.stringify(table)} must be lower-case letters, digits and _, at most ${MAX_TABLE_NAME_LENGTH} characters`,
      );
    }
  }
  const handlers = options.handlers as ProjectionDefinition['handlers'];
  if (Object.keys(handlers).length === 0) {
    throw new InvalidProjectionError(name, 'it needs at least one handler');
  }
  return Object.freeze({ ...options, tables, handlers });
}
