import { API_KEY_SECURITY, okResponse, problemResponses, ref, type Json } from './components.js';

/** The largest page of `/events` and `/streams/{id}` (the routes enforce the same). */
const MAX_PAGE = 1000;

const EVENT_ENVELOPE = {
  type: 'object',
  required: [
    'id',
    'type',
    'schemaVersion',
    'streamId',
    'streamVersion',
    'globalPosition',
    'cursor',
    'recordedAt',
    'data',
    'metadata',
  ],
  properties: {
    id: { type: 'string', description: 'UUID v7' },
    type: { type: 'string' },
    schemaVersion: { type: 'integer' },
    streamId: { type: 'string' },
    streamVersion: { type: 'integer', minimum: 1 },
    globalPosition: { type: 'integer' },
    cursor: { type: 'string', description: 'Where the event sits in the read order of the log' },
    recordedAt: { type: 'string', format: 'date-time' },
    data: {},
    metadata: { type: 'object', additionalProperties: true },
    undecodable: {
      type: 'object',
      description: 'Present when the event cannot be read as its current schema (as stored)',
      required: ['reason', 'message'],
      properties: { reason: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

/** The schemas of the log's answers, as components. */
export const LOG_SCHEMAS: Json = {
  EventEnvelope: EVENT_ENVELOPE,
  StreamPage: {
    type: 'object',
    required: ['streamId', 'version', 'events', 'next'],
    properties: {
      streamId: { type: 'string' },
      version: { type: 'integer', description: 'The stream version: its last event' },
      events: { type: 'array', items: ref('schemas', 'EventEnvelope') },
      next: { type: ['integer', 'null'], description: 'The `from` of the next page, if any' },
    },
  },
  EventPage: {
    type: 'object',
    required: ['events', 'next'],
    properties: {
      events: { type: 'array', items: ref('schemas', 'EventEnvelope') },
      next: {
        type: ['string', 'null'],
        description: 'The `after` of the next page: the cursor of the last event',
      },
    },
  },
};

const limitParameter = (description: string): Json => ({
  name: 'limit',
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
});

const listParameter = (name: string, description: string): Json => ({
  name,
  in: 'query',
  required: false,
  description,
  style: 'form',
  explode: false,
  schema: { type: 'array', items: { type: 'string' } },
});

const STREAM = {
  get: {
    operationId: 'strata.readStream',
    summary: "A stream's events, oldest first (admin)",
    tags: ['log'],
    security: API_KEY_SECURITY,
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
      {
        name: 'from',
        in: 'query',
        required: false,
        description: 'The first stream version to include',
        schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: 1 },
      },
      limitParameter('Events per page'),
    ],
    responses: {
      200: okResponse('A page of the stream', ref('schemas', 'StreamPage')),
      ...problemResponses([400, 401, 403, 404, 500, 503]),
    },
  },
};

const EVENTS = {
  get: {
    operationId: 'strata.readLog',
    summary: 'The whole log in commit order, paged by cursor (admin)',
    tags: ['log'],
    security: API_KEY_SECURITY,
    parameters: [
      {
        name: 'after',
        in: 'query',
        required: false,
        description:
          'Continue after this point: the `next` of the previous page, or a plain global position (a command answers one; 0 is the start)',
        schema: { type: 'string' },
      },
      limitParameter('Events per page'),
      listParameter('types', 'Only these event types (comma-separated or repeated)'),
      listParameter('categories', 'Only streams of these categories (comma-separated or repeated)'),
    ],
    responses: {
      200: okResponse('A page of the log', ref('schemas', 'EventPage')),
      ...problemResponses([400, 401, 403, 500, 503]),
    },
  },
};

/** `/streams/{id}` and `/events`. */
export const LOG_PATHS: Json = { '/streams/{id}': STREAM, '/events': EVENTS };
