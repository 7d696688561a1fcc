import type { MessageDescription } from '../../messages/index.js';
import { API_KEY_SECURITY, okResponse, problemResponses, ref, type Json } from './components.js';

/**
 * What the command and query routes enforce (`routes/commands.ts`, `routes/queries.ts`); the
 * OpenAPI test sends values on either side of each bound to check that both agree.
 */
const IDEMPOTENCY_KEY = { type: 'string', minLength: 1, maxLength: 200 };
const IF_MATCH = { type: 'string', pattern: '^\\s*"?[0-9]{1,15}"?\\s*$' };
const POSITION = { type: 'integer', minimum: 1, maximum: 999_999_999_999_999 };

const COMMAND_PROBLEMS = [400, 401, 403, 404, 409, 413, 414, 415, 422, 431, 500, 503];
const QUERY_PROBLEMS = [400, 401, 403, 404, 414, 431, 500, 503];

const header = (name: string, description: string, schema: Json): Json => ({
  name,
  in: 'header',
  required: false,
  description,
  schema,
});

const COMMAND_HEADERS = [
  header(
    'Idempotency-Key',
    'The command id: a repeat with the same body returns the first response and appends nothing',
    IDEMPOTENCY_KEY,
  ),
  header(
    'If-Match',
    'The stream version the command expects, like 3 or "3" (409 if the stream is elsewhere)',
    IF_MATCH,
  ),
  header('X-Correlation-Id', "Stored in the events' metadata; the request id if absent", {
    type: 'string',
  }),
];

const READ_YOUR_WRITES =
  "Read your writes: answer once the query's read models include this global position " +
  '(the `position` of a command result)';

const MIN_POSITION_PARAMETERS = [
  header('Strata-Min-Position', READ_YOUR_WRITES, POSITION),
  {
    name: 'minPosition',
    in: 'query',
    required: false,
    description: `${READ_YOUR_WRITES}; the header wins when both are given`,
    schema: POSITION,
  },
];

function commandPath(command: MessageDescription): Json {
  return {
    post: {
      operationId: command.name,
      summary: command.description ?? command.name,
      tags: [command.name.split('.')[0]],
      security: API_KEY_SECURITY,
      parameters: COMMAND_HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema: command.schema } } },
      responses: {
        200: okResponse(
          'Accepted: the events appended (none when nothing changed)',
          ref('schemas', 'CommandAccepted'),
          { 'Idempotent-Replayed': ref('headers', 'Idempotent-Replayed') },
        ),
        ...problemResponses(COMMAND_PROBLEMS),
      },
    },
  };
}

/** A query's parameters, one per top-level property of its schema (arrays: repeated). */
function queryParameters(query: MessageDescription): Json[] {
  const properties = (query.schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((query.schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
}

function queryPath(query: MessageDescription): Json {
  return {
    get: {
      operationId: query.name,
      summary: query.description ?? query.name,
      tags: [query.name.split('.')[0]],
      security: API_KEY_SECURITY,
      parameters: [...queryParameters(query), ...MIN_POSITION_PARAMETERS],
      responses: {
        200: okResponse('The answer', query.result ?? {}),
        ...problemResponses(QUERY_PROBLEMS),
      },
    },
  };
}

/** `/commands/{name}` and `/queries/{name}`, one path per registered command and query. */
export function messagePaths(messages: readonly MessageDescription[]): Json {
  const paths: Json = {};
  for (const message of messages) {
    if (message.kind === 'command') paths[`/commands/${message.name}`] = commandPath(message);
    if (message.kind === 'query') paths[`/queries/${message.name}`] = queryPath(message);
  }
  return paths;
}
