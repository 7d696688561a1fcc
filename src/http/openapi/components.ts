import { PROBLEMS } from '../problems.js';

/** A JSON Schema or OpenAPI object, as plain data. */
export type Json = Record<string, unknown>;

/** `{ $ref }` to a component of the document. */
export const ref = (kind: 'schemas' | 'headers' | 'parameters', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Every response carries its request id (the `instance` of a problem). */
const REQUEST_ID_HEADER = { 'X-Request-Id': ref('headers', 'X-Request-Id') };

/** A 200 JSON response of `schema`. */
export function okResponse(description: string, schema: Json, headers: Json = {}): Json {
  return {
    description,
    headers: { ...REQUEST_ID_HEADER, ...headers },
    content: { 'application/json': { schema } },
  };
}

/** A problem response for each status, described by the titles of its problem codes. */
export function problemResponses(statuses: readonly number[]): Json {
  return Object.fromEntries(
    statuses.map((status) => {
      const kinds = Object.values(PROBLEMS).filter((kind) => kind.status === status);
      const retried = kinds.some((kind) => kind.retryAfterSeconds !== undefined);
      // Headers a problem carries besides (a 401's `WWW-Authenticate` challenge).
      const own = Object.fromEntries(
        kinds
          .flatMap((kind) => Object.entries(kind.headers ?? {}))
          .map(([name, value]) => [
            name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase()),
            { description: `Always \`${value}\``, schema: { type: 'string' } },
          ]),
      );
      return [
        String(status),
        {
          description: kinds.map((kind) => kind.title).join('; ') || 'Error',
          headers: {
            ...REQUEST_ID_HEADER,
            ...(retried ? { 'Retry-After': ref('headers', 'Retry-After') } : {}),
            ...own,
          },
          content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
        },
      ];
    }),
  );
}

/** Who may call an operation: an API key as a bearer token. */
export const API_KEY_SECURITY = [{ bearer: [] }];

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable error code (a domain rejection: its own)' },
    instance: { type: 'string', description: 'The request id' },
    parameter: { type: 'string', description: 'The parameter or header at fault' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          rule: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};

const COMMAND_ACCEPTED = {
  type: 'object',
  required: ['commandId', 'streamId', 'version', 'position', 'events'],
  properties: {
    commandId: { type: 'string' },
    streamId: { type: 'string' },
    version: { type: 'integer', description: 'The stream version after the command' },
    position: {
      type: ['integer', 'null'],
      description: 'Global position of the last event; pass it as Strata-Min-Position',
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: { id: { type: 'string' }, type: { type: 'string' } },
      },
    },
  },
};

/** Schemas, headers and security schemes that operations refer to. */
export function components(logSchemas: Json): Json {
  return {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
    },
    headers: {
      'X-Request-Id': {
        description: 'The id of this request, in logs and as the instance of a problem',
        schema: { type: 'string' },
      },
      'Retry-After': {
        description: 'Seconds after which the request may succeed',
        schema: { type: 'integer', minimum: 0 },
      },
      'Idempotent-Replayed': {
        description: 'Present (true) when this is the first answer to a repeated Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
    },
    schemas: { Problem: PROBLEM, CommandAccepted: COMMAND_ACCEPTED, ...logSchemas },
  };
}
