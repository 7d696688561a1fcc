import type { AnyCommandHandler, CommandEnvelope, CommandResult } from '../domain/index.js';
import {
  createMessageRegistry,
  type EventDefinition,
  type MessageDefinition,
  type MessageRegistry,
} from '../messages/index.js';
import type { ProjectionDefinition } from '../projections/index.js';
import type { QueryDefinition } from '../queries/index.js';
import type { SideEffectDefinition, StoredEventOf } from '../reactors/index.js';
import type { EventStore, StoredEvent } from '../store/index.js';
import type { UniqueConstraintDefinition } from '../uniqueness/index.js';
import type { AppBusConsumer } from './bus-consumers.js';

/** What a reactor can do besides looking at the event. */
export interface ReactorContext {
  /** Sends a command; give it an id derived from the event's id so a redelivery is a repeat. */
  readonly send: (envelope: CommandEnvelope) => Promise<CommandResult>;
  readonly store: EventStore;
}

/** Reacts to events with side effects: e-mail, webhooks, or commands (a process manager). */
export interface ReactorDefinition {
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly handle: (event: StoredEvent, context: ReactorContext) => Promise<void>;
}

/** A reactor's events, typed from their definitions. */
export type ReactorEvent<Events extends readonly EventDefinition[]> = StoredEventOf<Events>;

/**
 * Declares a reactor. Delivery is at least once: the event id is the idempotency key of
 * whatever it does.
 *
 * @example
 * defineReactor({
 *   name: 'estimation.open-on-task-added',
 *   events: [TaskAdded],
 *   handle: (event, { send }) =>
 *     send({ type: 'estimation.OpenEstimation', data: { taskId: event.data.taskId }, id: `${event.id}:open` }),
 * });
 */
export function defineReactor<const Events extends readonly EventDefinition[]>(options: {
  readonly name: string;
  readonly events: Events;
  readonly handle: (event: ReactorEvent<Events>, context: ReactorContext) => Promise<void>;
}): ReactorDefinition {
  return Object.freeze({
    name: options.name,
    eventTypes: options.events.map((event) => event.name),
    handle: options.handle as ReactorDefinition['handle'],
  });
}

/** The licence of an app's API, as OpenAPI publishes it (an SPDX `identifier` or a `url`). */
export interface ApiLicense {
  readonly name: string;
  readonly identifier?: string;
  readonly url?: string;
}

/** A whole system: its messages and what handles them. Strata serves one per process. */
export interface AppDefinition {
  readonly name: string;
  /** The licence its OpenAPI document states; without one: "All rights reserved". */
  readonly license?: ApiLicense;
  /** Every event and command (queries are registered from `queries`). */
  readonly messages: readonly MessageDefinition[];
  readonly commandHandlers: readonly AnyCommandHandler[];
  readonly projections?: readonly ProjectionDefinition[];
  readonly queries?: readonly QueryDefinition[];
  readonly reactors?: readonly ReactorDefinition[];
  /** Side effects on the outside world (`emailReactor`): at least once, outside transactions. */
  readonly effects?: readonly SideEffectDefinition[];
  /** Set rules every append of the app honours (a unique e-mail address, a unique username). */
  readonly uniqueConstraints?: readonly UniqueConstraintDefinition[];
  /** Consumers of other apps' events from the bus; the app then needs NATS to start. */
  readonly busConsumers?: readonly AppBusConsumer[];
}

/** Declares an app; the identity function, there for checking and inference. */
export function defineApp(app: AppDefinition): AppDefinition {
  return app;
}

/** The registry of every message `app` declares: events, commands and queries. */
export function appRegistry(app: AppDefinition): MessageRegistry {
  return createMessageRegistry([...app.messages, ...(app.queries ?? [])]);
}
