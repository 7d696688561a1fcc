export { webhookEffect, type EndpointDeliveryContext } from './endpoint-effect.js';
export {
  endpointChangesInput,
  endpointRulesOf,
  EndpointChangesBody,
  NewEndpointBody,
  newEndpointInput,
  RotateSecretBody,
  rotationSecretInput,
  type EndpointRules,
} from './endpoint-input.js';
export {
  deleteEndpoint,
  getEndpoint,
  insertEndpoint,
  listEndpoints,
  rotateSecret,
  secretsInUse,
  setEndpointEnabled,
  updateEndpoint,
  webhookSubscriberName,
  type EndpointChanges,
  type EndpointSecret,
  type NewEndpoint,
  type WebhookEndpoint,
} from './endpoints.js';
export { WebhookEndpointNotFoundError } from './errors.js';
export { createWebhooks, type WebhookManager, type WebhookManagerOptions } from './manager.js';
export { webhookBody } from './payload.js';
export { postWebhook, type PostOutcome } from './post.js';
export { DEFAULT_WEBHOOK_SETTINGS, webhookRetries, type WebhookSettings } from './settings.js';
export {
  assertSecret,
  generateSecret,
  signatureHeader,
  signatureOf,
  verifySignature,
  type SignedDelivery,
} from './signature.js';
