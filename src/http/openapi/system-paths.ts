import { API_KEY_SECURITY, okResponse, problemResponses, ref, type Json } from './components.js';

const SUBSCRIBER_STATES = [
  'standby',
  'catching-up',
  'live',
  'failing',
  'paused',
  'stopped',
  'failed',
];

const READINESS = {
  type: 'object',
  required: ['status', 'subscribers', 'horizon'],
  properties: {
    status: { type: 'string', enum: ['ready'] },
    subscribers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'state', 'lagEvents', 'parked'],
        properties: {
          name: { type: 'string' },
          state: { type: 'string', enum: SUBSCRIBER_STATES },
          lagEvents: { type: 'integer', minimum: 0 },
          parked: { type: 'integer', minimum: 0 },
        },
      },
    },
    horizon: {
      type: 'object',
      description: 'Whether a long open transaction holds readers back',
      required: ['held', 'seesAllSessions'],
      properties: {
        held: { type: 'boolean' },
        heldBy: { type: 'object', additionalProperties: true },
        seesAllSessions: { type: 'boolean' },
      },
    },
    bus: {
      type: 'object',
      description: 'Whether the NATS bus forwarder is on, and its connection',
      required: ['enabled'],
      properties: {
        enabled: { type: 'boolean' },
        connected: { type: 'boolean' },
        stream: { type: 'string' },
      },
    },
  },
};

const MESSAGE_DESCRIPTION = {
  type: 'object',
  required: ['kind', 'name', 'version', 'schema'],
  properties: {
    kind: { type: 'string', enum: ['event', 'command', 'query'] },
    name: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    description: { type: 'string' },
    schema: { type: 'object', description: 'JSON Schema of the data or parameters' },
    result: { type: 'object', description: "JSON Schema of a query's answer" },
  },
};

/** Unauthenticated: no API key is asked for. (A 400 answers a malformed URL, on any route.) */
const OPEN: Json[] = [];

const get = (operationId: string, summary: string, tag: string, responses: Json): Json => ({
  get: { operationId, summary, tags: [tag], security: OPEN, responses },
});

/** The schemas of the system routes' answers, as components. */
export const SYSTEM_SCHEMAS: Json = {
  Readiness: READINESS,
  MessageDescription: MESSAGE_DESCRIPTION,
};

/** `/health/live`, `/health/ready`, `/metrics`, `/schemas`, `/openapi.json`, `/asyncapi.json`. */
export const SYSTEM_PATHS: Json = {
  '/health/live': get('strata.live', 'The process answers', 'health', {
    200: okResponse('Live', {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['live'] } },
    }),
    ...problemResponses([400, 500]),
  }),
  '/health/ready': get(
    'strata.ready',
    'The database accepts writes and no subscriber has stopped',
    'health',
    { 200: okResponse('Ready', ref('schemas', 'Readiness')), ...problemResponses([400, 500, 503]) },
  ),
  '/metrics': {
    get: {
      operationId: 'strata.metrics',
      summary: "The system's metrics in Prometheus's text format (admin)",
      tags: ['health'],
      security: API_KEY_SECURITY,
      responses: {
        200: {
          description: 'Prometheus text exposition format 0.0.4',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...problemResponses([400, 401, 403, 500]),
      },
    },
  },
  '/schemas': get('strata.schemas', "Every message's JSON Schema", 'meta', {
    200: okResponse('The messages, by name', {
      type: 'object',
      required: ['messages'],
      properties: { messages: { type: 'array', items: ref('schemas', 'MessageDescription') } },
    }),
    ...problemResponses([400, 500]),
  }),
  '/openapi.json': get('strata.openapi', 'This document', 'meta', {
    200: okResponse('The OpenAPI 3.1 document', { type: 'object' }),
    ...problemResponses([400, 500]),
  }),
  '/asyncapi.json': get('strata.asyncapi', "The bus's subjects, headers and payloads", 'meta', {
    200: okResponse('The AsyncAPI 3.0 document of every subject the app publishes to NATS', {
      type: 'object',
    }),
    ...problemResponses([400, 500]),
  }),
};
