import type { StoredEvent } from '../../store/index.js';
import { webhookBody } from './payload.js';
import { signatureHeader } from './signature.js';

/** How one delivery went. */
export type PostOutcome =
  | { readonly ok: true; readonly httpStatus: number; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly httpStatus: number | undefined;
      readonly durationMs: number;
      readonly error: string;
    };

/** Most characters of a refusing receiver's body kept in the error. */
const BODY_EXCERPT = 200;

/**
 * POSTs `event` to `url`, signed with `secrets`, its id as `webhook-id` (the same on every
 * attempt: the receiver's duplicate check); a 2xx within `timeoutMs` is a delivery. Redirects
 * are not followed (a 3xx is a failure: the endpoint's URL is the one registered). Never
 * throws: a failure is an outcome with its reason.
 */
export async function postWebhook(
  url: string,
  event: StoredEvent,
  secrets: readonly string[],
  timeoutMs: number,
): Promise<PostOutcome> {
  const body = webhookBody(event);
  const timestamp = Math.floor(Date.now() / 1000);
  // A controller and a plain timer: `AbortSignal.timeout` costs a weak reference and a
  // finalizer per request, a tenth of the deliveries' throughput (measured, bench/webhooks.ts).
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  try {
    return await exchange(url, {
      method: 'POST',
      redirect: 'manual',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Strata-Webhooks/1',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, event.id, timestamp, body),
      },
      body,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Makes the request and reads the answer to its end, timing both; never throws. */
async function exchange(url: string, init: RequestInit): Promise<PostOutcome> {
  const started = performance.now();
  const failed = (httpStatus: number | undefined, error: unknown): PostOutcome => ({
    ok: false,
    httpStatus,
    durationMs: performance.now() - started,
    error: failureOf(error),
  });
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return failed(undefined, error);
  }
  let text: string;
  try {
    // Read to the end so the connection can be reused; a success's body is not kept.
    text = await response.text();
  } catch (error) {
    return failed(response.status, error);
  }
  const durationMs = performance.now() - started;
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, httpStatus: response.status, durationMs };
  }
  const excerpt = text.slice(0, BODY_EXCERPT).trim();
  return {
    ok: false,
    httpStatus: response.status,
    durationMs,
    error: `answered ${response.status}${excerpt === '' ? '' : `: ${excerpt}`}`,
  };
}

function failureOf(error: unknown): string {
  // The timer's abort: its reason says how long the receiver had.
  if (error instanceof DOMException && error.name === 'TimeoutError') return error.message;
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code === undefined ? message : `${message} (${cause.code})`;
}
