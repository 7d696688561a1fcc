import { EndpointChangesBody, NewEndpointBody, RotateSecretBody } from '../../reactors/index.js';
import { API_KEY_SECURITY, okResponse, problemResponses, ref, type Json } from './components.js';

const TIME = { type: ['string', 'null'], format: 'date-time' };

const ENDPOINT = {
  type: 'object',
  required: ['id', 'url', 'eventTypes', 'enabled', 'createdAt'],
  properties: {
    id: { type: 'string', description: '`ep_…`' },
    url: { type: 'string' },
    eventTypes: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'The event types delivered; null: every event',
    },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'] },
    disabledAt: TIME,
    failingSince: { ...TIME, description: 'The first failed attempt since the last delivery' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    secret: { type: 'string', description: 'Only when registered or rotated: `whsec_…`' },
    status: {
      type: 'object',
      description: 'Delivered, retrying, parked, last error, lag (only for one endpoint)',
      additionalProperties: true,
    },
  },
};

const DELIVERY = {
  type: 'object',
  required: ['eventId', 'eventType', 'attempt', 'outcome', 'durationMs', 'attemptedAt'],
  properties: {
    eventId: { type: 'string', description: 'Also the `webhook-id` of the request' },
    eventType: { type: 'string' },
    globalPosition: { type: 'integer' },
    streamId: { type: 'string' },
    attempt: { type: 'integer', minimum: 1 },
    outcome: { type: 'string', enum: ['delivered', 'failed'] },
    httpStatus: { type: ['integer', 'null'] },
    durationMs: { type: 'integer' },
    error: { type: ['string', 'null'] },
    attemptedAt: { type: 'string', format: 'date-time' },
  },
};

/** The schemas of the webhook routes' answers, as components. */
export const WEBHOOK_SCHEMAS: Json = { WebhookEndpoint: ENDPOINT, WebhookDelivery: DELIVERY };

const ID = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const operation = (
  operationId: string,
  summary: string,
  responses: Json,
  extra: Json = {},
): Json => ({
  operationId,
  summary: `${summary} (admin)`,
  tags: ['webhooks'],
  security: API_KEY_SECURITY,
  ...extra,
  responses,
});

const body = (schema: unknown): Json => ({
  requestBody: { required: true, content: { 'application/json': { schema } } },
});

const endpoint = (description: string) =>
  okResponse(description, ref('schemas', 'WebhookEndpoint'));
const ONE = [400, 401, 403, 404, 500, 503];

/** `/webhooks/endpoints…`. */
export const WEBHOOK_PATHS: Json = {
  '/webhooks/endpoints': {
    get: operation('strata.listWebhookEndpoints', 'Every webhook endpoint', {
      200: okResponse('The endpoints', {
        type: 'object',
        required: ['endpoints'],
        properties: { endpoints: { type: 'array', items: ref('schemas', 'WebhookEndpoint') } },
      }),
      ...problemResponses([400, 401, 403, 500, 503]),
    }),
    post: operation(
      'strata.addWebhookEndpoint',
      'Register an endpoint; its secret is in the answer',
      { 201: endpoint('Registered'), ...problemResponses([400, 401, 403, 415, 500, 503]) },
      body(NewEndpointBody),
    ),
  },
  '/webhooks/endpoints/{id}': {
    get: operation(
      'strata.getWebhookEndpoint',
      'An endpoint and where its deliveries stand',
      { 200: endpoint('The endpoint'), ...problemResponses(ONE) },
      { parameters: [ID] },
    ),
    patch: operation(
      'strata.changeWebhookEndpoint',
      "Change an endpoint's URL, event types or description",
      { 200: endpoint('Changed'), ...problemResponses([...ONE, 415]) },
      { parameters: [ID], ...body(EndpointChangesBody) },
    ),
    delete: operation(
      'strata.removeWebhookEndpoint',
      'Remove an endpoint with its delivery log',
      { 204: { description: 'Removed' }, ...problemResponses(ONE) },
      { parameters: [ID] },
    ),
  },
  '/webhooks/endpoints/{id}/enable': {
    post: operation(
      'strata.enableWebhookEndpoint',
      'Enable: deliveries resume where they stopped',
      { 200: endpoint('Enabled'), ...problemResponses(ONE) },
      { parameters: [ID] },
    ),
  },
  '/webhooks/endpoints/{id}/disable': {
    post: operation(
      'strata.disableWebhookEndpoint',
      'Disable, with a reason',
      { 200: endpoint('Disabled'), ...problemResponses(ONE) },
      {
        parameters: [ID],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { reason: { type: 'string' } } },
            },
          },
        },
      },
    ),
  },
  '/webhooks/endpoints/{id}/rotate-secret': {
    post: operation(
      'strata.rotateWebhookSecret',
      'A new signing secret; the old ones sign beside it for the grace period',
      { 200: endpoint('Rotated: `secret` is the new one'), ...problemResponses([...ONE, 415]) },
      { parameters: [ID], ...body(RotateSecretBody) },
    ),
  },
  '/webhooks/endpoints/{id}/secret': {
    get: operation(
      'strata.getWebhookSecret',
      'The current signing secret, and those still in their grace period',
      {
        200: okResponse('The secrets', {
          type: 'object',
          required: ['secret', 'previous'],
          properties: {
            secret: { type: 'string' },
            previous: { type: 'array', items: { type: 'string' } },
          },
        }),
        ...problemResponses(ONE),
      },
      { parameters: [ID] },
    ),
  },
  '/webhooks/endpoints/{id}/deliveries': {
    get: operation(
      'strata.listWebhookDeliveries',
      "An endpoint's delivery log, newest first",
      {
        200: okResponse('The attempts', {
          type: 'object',
          required: ['deliveries'],
          properties: { deliveries: { type: 'array', items: ref('schemas', 'WebhookDelivery') } },
        }),
        ...problemResponses(ONE),
      },
      {
        parameters: [
          ID,
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          },
          {
            name: 'outcome',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['delivered', 'failed'] },
          },
        ],
      },
    ),
  },
};
