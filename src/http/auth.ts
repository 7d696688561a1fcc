import { createHash, timingSafeEqual } from 'node:crypto';

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

/**
 * Finds the caller of a request from its `Authorization: Bearer …` or `X-Api-Key` header.
 * Keys are compared as SHA-256 digests with a constant-time comparison, against every key, so
 * timing reveals neither a key nor which one matched.
 */
export function createAuthenticator(keys: readonly ApiKey[]) {
  const known = keys.map((key) => ({
    caller: { name: key.name, roles: key.roles },
    digest: digest(key.key),
  }));
  return {
    /** Whether requests must carry a key. */
    required: keys.length > 0,
    authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Caller {
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
  };
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
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1] !== undefined) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}
