import type { Static } from 'typebox';

import type { EventDefinition } from '../messages/index.js';
import type { StoredEvent } from '../store/index.js';

type EventNamed<Events extends readonly EventDefinition[], Name> = Extract<
  Events[number],
  { readonly name: Name }
>;

/** The stored events of the definitions `Events`: a union, each with its type and data typed. */
export type StoredEventOf<Events extends readonly EventDefinition[]> = {
  [Name in Events[number]['name']]: StoredEvent<Name, Static<EventNamed<Events, Name>['schema']>>;
}[Events[number]['name']];
