import type { Static } from 'typebox';

import type { EventDefinition } from '../messages/index.js';
import type { StoredEvent } from './types.js';

/** The definition in `Events` named `Name`. */
type EventNamed<Events extends readonly EventDefinition[], Name> = Extract<
  Events[number],
  { readonly name: Name }
>;

/**
 * The stored event named `Name`: typed when `Events` lists it, plain otherwise. For APIs keyed
 * by event type (projection handlers, unique constraints) that type each entry's event.
 */
export type StoredEventNamed<
  Events extends readonly EventDefinition[],
  Name extends string,
> = string extends Events[number]['name']
  ? StoredEvent
  : StoredEvent<Name, Static<EventNamed<Events, Name>['schema']>>;
