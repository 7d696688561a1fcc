import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyRequest, onRequestHookHandler } from 'fastify';

import { HttpProblemError } from './problems.js';

/** What an API key may do. */
export type Role = 'command' | 'query' | 'admin';

/** An API key: a name for logs and metadata, the secret, and its roles. */
export interface ApiKey {
  readonly name: string;
  readonly key: string;
  readonly roles: readonly Role[];
}

/** Who made a request. */
export interface Caller {
  readonly name: string;
  readonly roles: readonly Role[];
}

/** Anyone, when no key is configured (the server then listens on localhost only). */
const ANONYMOUS: Caller = { name: 'anonymous', roles: ['command', 'query', 'admin'] };

const digest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** The callers of requests that passed an `authorize` hook. */
const callers = new WeakMap<FastifyRequest, Caller>();

/** Finds the caller of a request, and hooks that let only callers with a role through. */
export interface Authenticator {
  /** Whether requests must carry a key. */
  readonly required: boolean;
  /** The caller presenting `headers`; throws `UNAUTHENTICATED` without a valid key. */
  authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Caller;
  /**
   * An `onRequest` hook admitting callers with `role`: it runs before the body is read, so an
   * unauthenticated client learns nothing about its body (401 before 400, 413 or 415).
   */
  authorize(role: Role): onRequestHookHandler;
}

/**
 * Finds the caller of a request from its `Authorization: Bearer …` header (the only place a key
 * is read). Keys are compared as SHA-256 digests with a constant-time comparison, against every
 * key, so timing reveals neither a key nor which one matched.
 */
export function createAuthenticator(keys: readonly ApiKey[]): Authenticator {
  const known = keys.map((key) => ({
    caller: { name: key.name, roles: key.roles },
    digest: digest(key.key),
  }));
  const authenticator: Authenticator = {
    required: keys.length > 0,
    authenticate(headers) {
      if (known.length === 0) return ANONYMOUS;
      const presented = presentedKey(headers);
      if (presented === undefined) {
        throw new HttpProblemError(
          'UNAUTHENTICATED',
          'Send an API key as "Authorization: Bearer <key>"',
        );
      }
      const candidate = digest(presented);
      let match: Caller | undefined;
      for (const entry of known) {
        if (timingSafeEqual(entry.digest, candidate)) match = entry.caller;
      }
      if (match === undefined)
        throw new HttpProblemError('UNAUTHENTICATED', 'The API key is not valid');
      return match;
    },
    authorize(role) {
      return function authorize(request, _reply, done) {
        try {
          const caller = authenticator.authenticate(request.headers);
          requireRole(caller, role);
          callers.set(request, caller);
          done();
        } catch (error) {
          done(error as Error);
        }
      };
    },
  };
  return authenticator;
}

/** The caller an `authorize` hook admitted for `request`. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new Error(`No authorize hook ran for ${request.url}`);
  return caller;
}

/** Throws `FORBIDDEN` unless `caller` has `role`. */
export function requireRole(caller: Caller, role: Role): void {
  if (!caller.roles.includes(role)) {
    throw new HttpProblemError('FORBIDDEN', `API key ${caller.name} lacks the ${role} role`, {
      role,
    });
  }
}

function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  return /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1];
}
