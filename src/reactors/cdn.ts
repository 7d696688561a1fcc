import { createHash } from 'node:crypto';

import { StrataError } from '../errors.js';
import type { EventDefinition } from '../messages/index.js';
import { retrying } from '../retry.js';
import type { StoredEvent } from '../store/index.js';
import {
  effectBasics,
  type CdnPurger,
  type EffectOptions,
  type SideEffectDefinition,
} from './side-effect.js';
import type { StoredEventOf } from './stored-event-of.js';

/** A purge endpoint refused or failed a request; the message has its status and body. */
export class CdnPurgeError extends StrataError {
  readonly code = 'CDN_PURGE_FAILED';
}

/** A CDN effect ran without a purge endpoint configured. */
export class CdnNotConfiguredError extends StrataError {
  readonly code = 'CDN_NOT_CONFIGURED';
  constructor() {
    super('No CDN purge endpoint is configured: set STRATA_CDN_PURGE_URL or cdn.cloudflare');
  }
}

/**
 * Purges, per batch of events of `on` gathered for up to `windowMs` (default 1 s), the paths
 * `paths` gives for them, each once, in as few calls as the CDN takes. The caller reference
 * of a call is made of its events' ids.
 *
 * @example
 * cdnInvalidationReactor({
 *   name: 'projects.purge-pages',
 *   on: [ProjectRenamed],
 *   paths: (event) => [`/projects/${event.data.projectId}`],
 * });
 */
export function cdnInvalidationReactor<const Events extends readonly EventDefinition[]>(
  options: EffectOptions<Events> & {
    readonly paths: (event: StoredEventOf<Events>) => readonly string[];
    readonly windowMs?: number;
    readonly maxEvents?: number;
  },
): SideEffectDefinition {
  return Object.freeze({
    ...effectBasics(options),
    kind: 'cdn' as const,
    batch: { maxEvents: options.maxEvents ?? 500, windowMs: options.windowMs ?? 1_000 },
    async deliver(events: readonly StoredEvent[], { cdn }: { cdn?: CdnPurger | undefined }) {
      if (cdn === undefined) throw new CdnNotConfiguredError();
      const paths = [
        ...new Set(events.flatMap((event) => options.paths(event as StoredEventOf<Events>))),
      ];
      if (paths.length === 0) return;
      const reference = createHash('sha256')
        .update(events.map((event) => event.id).join(','))
        .digest('hex')
        .slice(0, 32);
      await cdn.purge(paths, reference);
    },
  });
}

/** How long to wait at most for a rate limit to lift before the call counts as failed. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** The endpoint answered `429 Too Many Requests`: try again after `retryAfterMs`. */
class CdnRateLimitedError extends CdnPurgeError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** One call; any non-2xx answer is a `CdnPurgeError` (`CdnRateLimitedError` for a 429). */
async function sendOnce(url: string, init: RequestInit, timeoutMs: number): Promise<void> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const message = `${init.method ?? 'GET'} ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
  if (response.status !== 429) throw new CdnPurgeError(message);
  // `Retry-After` in seconds, as rate limiters send it.
  throw new CdnRateLimitedError(
    message,
    Number(response.headers.get('retry-after') ?? '1') * 1_000,
  );
}

/** A call, `429`s waited out as their `Retry-After` says, up to a minute in all. */
async function send(url: string, init: RequestInit, timeoutMs: number): Promise<void> {
  let waitedMs = 0;
  let nextDelayMs = 0;
  await retrying(() => sendOnce(url, init, timeoutMs), {
    retryIf: (error) =>
      error instanceof CdnRateLimitedError &&
      waitedMs + error.retryAfterMs <= MAX_RATE_LIMIT_WAIT_MS,
    // Called for rate-limit failures only (`retryIf` let them through).
    onFailure: (error) => {
      nextDelayMs = (error as CdnRateLimitedError).retryAfterMs;
      waitedMs += nextDelayMs;
    },
    delayMs: () => nextDelayMs,
  });
}

/** A generic purge endpoint: `PURGE <base><path>` per path (Varnish, Fastly), or one POST. */
export interface HttpPurgeSettings {
  readonly url: string;
  /** `POST` (default): one request with `{"paths": [...]}`; `PURGE`: one per path. */
  readonly method?: 'POST' | 'PURGE';
  readonly timeoutMs?: number;
}

/** Purges through a generic HTTP endpoint (`HttpPurgeSettings`). */
export function httpPurger(settings: HttpPurgeSettings): CdnPurger {
  const timeoutMs = settings.timeoutMs ?? 30_000;
  return {
    async purge(paths, callerReference) {
      const headers = { 'idempotency-key': callerReference };
      if (settings.method === 'PURGE') {
        const base = settings.url.replace(/\/$/, '');
        for (const path of paths)
          await send(`${base}${path}`, { method: 'PURGE', headers }, timeoutMs);
        return;
      }
      await send(
        settings.url,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ paths }),
        },
        timeoutMs,
      );
    },
  };
}

/** Cloudflare's purge by URL: a zone, an API token, and the site the paths are on. */
export interface CloudflarePurgeSettings {
  readonly zoneId: string;
  readonly token: string;
  /** `https://www.example.com`: paths become URLs of this site. */
  readonly siteUrl: string;
  /** Default `https://api.cloudflare.com/client/v4`. */
  readonly apiUrl?: string;
  /** URLs per call; Cloudflare takes 30 on most plans. */
  readonly urlsPerCall?: number;
  readonly timeoutMs?: number;
}

/** Purges through Cloudflare's API, by URL, in calls of `urlsPerCall`. */
export function cloudflarePurger(settings: CloudflarePurgeSettings): CdnPurger {
  const api = (settings.apiUrl ?? 'https://api.cloudflare.com/client/v4').replace(/\/$/, '');
  const site = settings.siteUrl.replace(/\/$/, '');
  const perCall = settings.urlsPerCall ?? 30;
  const timeoutMs = settings.timeoutMs ?? 30_000;
  return {
    async purge(paths) {
      const files = paths.map((path) => `${site}${path}`);
      for (let start = 0; start < files.length; start += perCall) {
        await send(
          `${api}/zones/${encodeURIComponent(settings.zoneId)}/purge_cache`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${settings.token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ files: files.slice(start, start + perCall) }),
          },
          timeoutMs,
        );
      }
    },
  };
}
