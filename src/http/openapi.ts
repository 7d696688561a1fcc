import type { MessageDescription, MessageRegistry } from '../messages/index.js';
import { PROBLEMS } from './problems.js';

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** A response of each problem status the operation can give. */
function problemResponses(statuses: readonly number[]): Record<string, unknown> {
  return Object.fromEntries(
    statuses.map((status) => {
      const titles = Object.values(PROBLEMS)
        .filter((kind) => kind.status === status)
        .map((kind) => kind.title);
      return [
        String(status),
        {
          description: titles.join('; '),
          content: { 'application/problem+json': { schema: PROBLEM } },
        },
      ];
    }),
  );
}

const COMMAND_PROBLEMS = [400, 401, 403, 404, 409, 413, 415, 422, 500, 503];
const QUERY_PROBLEMS = [400, 401, 403, 404, 500, 503];

function commandPath(command: MessageDescription) {
  return {
    post: {
      operationId: command.name,
      summary: command.description ?? command.name,
      tags: [command.name.split('.')[0]],
      security: [{ apiKey: [] }],
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'The command id: a repeat returns the first response and appends nothing.',
          schema: { type: 'string', maxLength: 200 },
        },
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The stream version the command expects (409 if it differs).',
          schema: { type: 'string', pattern: '^"?[0-9]+"?$' },
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: command.schema } } },
      responses: {
        200: {
          description: 'Accepted: the events appended (none when nothing changed)',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/CommandAccepted' } },
          },
        },
        ...problemResponses(COMMAND_PROBLEMS),
      },
    },
  };
}

function queryPath(query: MessageDescription) {
  const properties = (query.schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set((query.schema.required ?? []) as string[]);
  return {
    get: {
      operationId: query.name,
      summary: query.description ?? query.name,
      tags: [query.name.split('.')[0]],
      security: [{ apiKey: [] }],
      parameters: [
        ...Object.entries(properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: required.has(name),
          schema,
        })),
        {
          name: 'Strata-Min-Position',
          in: 'header',
          required: false,
          description:
            "Read your writes: wait until the read models include this command result's position.",
          schema: { type: 'integer', minimum: 0 },
        },
      ],
      responses: {
        200: { description: 'The answer', content: { 'application/json': { schema: {} } } },
        ...problemResponses(QUERY_PROBLEMS),
      },
    },
  };
}

/** The OpenAPI 3.1 document of an app's commands and queries, from its message registry. */
export function openApiDocument(title: string, registry: MessageRegistry): Record<string, unknown> {
  const messages = registry.list();
  const paths: Record<string, unknown> = {};
  for (const message of messages) {
    if (message.kind === 'command') paths[`/commands/${message.name}`] = commandPath(message);
    if (message.kind === 'query') paths[`/queries/${message.name}`] = queryPath(message);
  }
  return {
    openapi: '3.1.0',
    info: {
      title,
      version: '1.0.0',
      description: 'Commands append events; queries read the projections built from them.',
    },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: {
              type: 'string',
              description: 'Stable error code (a domain rejection: its own)',
            },
            instance: { type: 'string', description: 'The request id' },
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
        },
        CommandAccepted: {
          type: 'object',
          required: ['streamId', 'version', 'events'],
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
                properties: { id: { type: 'string' }, type: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
