import { Type, type Static } from 'typebox';

import {
  ValidationError,
  validatorFor,
  type MessageRegistry,
  type ValidationIssue,
} from '../../messages/index.js';
import type { EndpointChanges, NewEndpoint } from './endpoints.js';
import { assertSecret, generateSecret } from './signature.js';

const MAX_URL_LENGTH = 2_000;

const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
});

/** The body of `POST /webhooks/endpoints`. */
export const NewEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH }),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    secret: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The body of `PATCH /webhooks/endpoints/{id}` (`eventTypes: null`: every event). */
export const EndpointChangesBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH })),
    eventTypes: Type.Optional(Type.Union([EventTypes, Type.Null()])),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** The body of `POST /webhooks/endpoints/{id}/rotate-secret`. */
export const RotateSecretBody = Type.Object(
  { secret: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

/** What the inputs are checked against beyond their shape. */
export interface EndpointRules {
  /** The event types of the app: an endpoint can only ask for these. */
  readonly eventTypes: readonly string[];
}

/** The rules of an app whose messages `registry` holds: its event types. */
export const endpointRulesOf = (registry: MessageRegistry): EndpointRules => ({
  eventTypes: registry
    .list()
    .filter((message) => message.kind === 'event')
    .map((message) => message.name),
});

function urlIssues(url: string | undefined): ValidationIssue[] {
  if (url === undefined) return [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
    return [{ path: '/url', rule: 'format', message: 'must be an absolute http or https URL' }];
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return [
      {
        path: '/url',
        rule: 'format',
        message: 'must not carry credentials (the signature authenticates deliveries)',
      },
    ];
  }
  return [];
}

function eventTypeIssues(
  types: readonly string[] | null | undefined,
  rules: EndpointRules,
): ValidationIssue[] {
  const known = new Set(rules.eventTypes);
  return (types ?? []).flatMap((type, index) =>
    known.has(type)
      ? []
      : [
          {
            path: `/eventTypes/${index}`,
            rule: 'enum',
            message: `is not an event type of this app (${JSON.stringify(type)})`,
          },
        ],
  );
}

function secretIssues(secret: string | undefined): ValidationIssue[] {
  if (secret === undefined) return [];
  try {
    assertSecret(secret);
    return [];
  } catch (error) {
    const rule = error instanceof Error ? error.message.replace(/^secret /, '') : 'is invalid';
    return [{ path: '/secret', rule: 'pattern', message: rule }];
  }
}

/** Throws `ValidationError` naming every failing field; returns `body` typed otherwise. */
function checked<T>(
  name: string,
  schema: Parameters<typeof validatorFor>[0],
  body: unknown,
  more: (valid: T) => ValidationIssue[],
): T {
  validatorFor(schema).assert(name, body);
  const issues = more(body as T);
  if (issues.length > 0) throw new ValidationError(name, issues);
  return body as T;
}

/** A new endpoint from a request's body: checked, with a generated secret unless given one. */
export function newEndpointInput(body: unknown, rules: EndpointRules): NewEndpoint {
  const valid = checked<Static<typeof NewEndpointBody>>(
    'WebhookEndpoint',
    NewEndpointBody,
    body,
    (input) => [
      ...urlIssues(input.url),
      ...eventTypeIssues(input.eventTypes, rules),
      ...secretIssues(input.secret),
    ],
  );
  return { ...valid, secret: valid.secret ?? generateSecret() };
}

/** An endpoint's changes from a request's body, checked. */
export function endpointChangesInput(body: unknown, rules: EndpointRules): EndpointChanges {
  return checked<Static<typeof EndpointChangesBody>>(
    'WebhookEndpointChanges',
    EndpointChangesBody,
    body,
    (input) => [...urlIssues(input.url), ...eventTypeIssues(input.eventTypes, rules)],
  );
}

/** The secret to rotate to: the one given, checked, or a new one. */
export function rotationSecretInput(body: unknown): string {
  const valid = checked<Static<typeof RotateSecretBody>>(
    'WebhookSecretRotation',
    RotateSecretBody,
    body ?? {},
    (input) => secretIssues(input.secret),
  );
  return valid.secret ?? generateSecret();
}
