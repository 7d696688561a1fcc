import { StrataError } from '../../errors.js';

/** No webhook endpoint has this id. */
export class WebhookEndpointNotFoundError extends StrataError {
  readonly code = 'WEBHOOK_ENDPOINT_NOT_FOUND';
  constructor(readonly endpointId: string) {
    super(`No webhook endpoint has the id ${JSON.stringify(endpointId)}`);
  }
}
