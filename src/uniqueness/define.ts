import type { EventDefinition } from '../messages/index.js';
import type { StoredEvent, StoredEventNamed } from '../store/index.js';
import { InvalidUniqueConstraintError } from './errors.js';

/** The value an event claims or releases; `undefined` when this event claims none. */
export type ValueOf<Event extends StoredEvent = StoredEvent> = (event: Event) => string | undefined;

/**
 * A set rule the store enforces: no two streams hold the same value. Events claim values for
 * their stream and release them; the claim is written in the append's transaction, so a claim
 * of a value another stream holds refuses the whole append with `UniqueValueTakenError`.
 */
export interface UniqueConstraintDefinition {
  /** Dotted lower-case words (letters, digits, `_`, `-`), e.g. `identity.unique-email`. */
  readonly name: string;
  /** Applied to every claimed and released value (e.g. lower-casing an e-mail address). */
  readonly normalize: (value: string) => string;
  /**
   * `one` (the default): a stream holds at most one value, so claiming a new one releases its
   * old one (an e-mail change). `many`: a stream keeps every value it claims until released.
   */
  readonly perOwner: 'one' | 'many';
  readonly claims: Readonly<Record<string, ValueOf<never> | undefined>>;
  /** `all` releases every value the stream holds; a function releases the value it returns. */
  readonly releases: Readonly<Record<string, 'all' | ValueOf<never> | undefined>>;
}

/**
 * What `defineUniqueConstraint` takes: a name, which events claim (and release) a value for
 * their stream, how values are normalised, and whether an owner may hold several.
 */
export interface DefineUniqueConstraintOptions<Events extends readonly EventDefinition[]> {
  readonly name: string;
  /** The events it reads, for typed `claims` and `releases`; optional. */
  readonly events?: Events;
  readonly normalize?: (value: string) => string;
  readonly perOwner?: 'one' | 'many';
  /** Event type → the value its event claims for its stream. */
  readonly claims: {
    readonly [Name in NoInfer<Events>[number]['name']]?: ValueOf<StoredEventNamed<Events, Name>>;
  };
  /** Event type → `all`, or the value its event gives up. */
  readonly releases?: {
    readonly [Name in NoInfer<Events>[number]['name']]?:
      'all' | ValueOf<StoredEventNamed<Events, Name>>;
  };
}

const CONSTRAINT_NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const MAX_NAME_LENGTH = 100;

/**
 * Declares a unique constraint; list it in the app's `uniqueConstraints` so every append of
 * the app (commands, reactors, raw `appendToStream`) honours it.
 *
 * @example
 * const uniqueEmail = defineUniqueConstraint({
 *   name: 'identity.unique-email',
 *   events: [UserRegistered, UserEmailChanged, UserDeactivated],
 *   normalize: (email) => email.trim().toLowerCase(),
 *   claims: {
 *     'identity.UserRegistered': (event) => event.data.email,
 *     'identity.UserEmailChanged': (event) => event.data.email,
 *   },
 *   releases: { 'identity.UserDeactivated': 'all' },
 * });
 */
export function defineUniqueConstraint<
  const Events extends readonly EventDefinition[] = readonly EventDefinition[],
>(options: DefineUniqueConstraintOptions<Events>): UniqueConstraintDefinition {
  const { name, normalize = (value: string) => value, perOwner = 'one' } = options;
  if (!CONSTRAINT_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new InvalidUniqueConstraintError(
      name,
      `a name is dotted lower-case words (letters, digits, _ and -), at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  const claims = options.claims as UniqueConstraintDefinition['claims'];
  if (Object.keys(claims).length === 0) {
    throw new InvalidUniqueConstraintError(name, 'it needs at least one claiming event');
  }
  const releases = (options.releases ?? {}) as UniqueConstraintDefinition['releases'];
  return Object.freeze({ name, normalize, perOwner, claims, releases });
}

/** The event types a constraint reads. */
export function constraintEventTypes(constraint: UniqueConstraintDefinition): string[] {
  return [...new Set([...Object.keys(constraint.claims), ...Object.keys(constraint.releases)])];
}
