import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { requireRole, type Authenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';

const KEY_COOKIE = 'strata_dashboard_key';
const CSRF_COOKIE = 'strata_csrf';

/** The cookies of a request, by name. */
function cookiesOf(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== undefined && name !== '') cookies.set(name, decodeURIComponent(value.join('=')));
  }
  return cookies;
}

/** Cookie attributes: scoped to the dashboard, never sent by another site's page. */
function cookie(request: FastifyRequest, name: string, value: string, httpOnly: boolean): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const only = httpOnly ? '; HttpOnly' : '';
  return `${name}=${encodeURIComponent(value)}; Path=/dashboard; SameSite=Strict${only}${secure}`;
}

/** The key a browser presents: its `Authorization` header, or the cookie the login set. */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') return /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
  return cookiesOf(request).get(KEY_COOKIE);
}

const sameText = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Who may see the dashboard and act from it. With API keys on, the `admin` role: from an
 * `Authorization` header, or from a cookie set by the login form (HttpOnly, SameSite=Strict).
 * Every state-changing form is a POST that must come from the dashboard itself: its token
 * (double-submit: a cookie and a hidden field that must match, so any process behind a load
 * balancer can check it), and no cross-site `Sec-Fetch-Site` or foreign `Origin`.
 */
export function dashboardAccess(auth: Authenticator) {
  /** Admits an admin (or anyone without keys); a page without one goes to the login form. */
  function admit(request: FastifyRequest, reply: FastifyReply): boolean {
    if (!auth.required) return true;
    const key = presentedKey(request);
    if (key === undefined && request.method === 'GET') {
      void reply.redirect('/dashboard/login', 303);
      return false;
    }
    requireRole(auth.authenticate({ authorization: `Bearer ${key ?? ''}` }), 'admin');
    return true;
  }

  /** Refuses a form post that did not come from a dashboard page of this origin. */
  function checkForm(request: FastifyRequest): void {
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const foreignOrigin =
      typeof origin === 'string' && origin !== 'null' && new URL(origin).host !== request.host;
    if (site === 'cross-site' || site === 'same-site' || foreignOrigin) {
      throw new HttpProblemError('FORBIDDEN', 'Dashboard actions come from the dashboard only');
    }
    const body = request.body as Record<string, unknown> | undefined;
    const sent = typeof body?._csrf === 'string' ? body._csrf : '';
    const expected = cookiesOf(request).get(CSRF_COOKIE) ?? '';
    if (expected === '' || !sameText(sent, expected)) {
      throw new HttpProblemError(
        'FORBIDDEN',
        'The form token is missing or stale: reload the page',
      );
    }
  }

  /** The form token of this browser, set as a cookie on its first page. */
  function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    const existing = cookiesOf(request).get(CSRF_COOKIE);
    if (existing !== undefined && /^[0-9a-f]{64}$/.test(existing)) return existing;
    const token = randomBytes(32).toString('hex');
    void reply.header('set-cookie', cookie(request, CSRF_COOKIE, token, false));
    return token;
  }

  /** Checks `key` and keeps it in a cookie for the pages that follow. */
  function logIn(request: FastifyRequest, reply: FastifyReply, key: string): void {
    requireRole(auth.authenticate({ authorization: `Bearer ${key}` }), 'admin');
    void reply.header('set-cookie', cookie(request, KEY_COOKIE, key, true));
  }

  return { admit, checkForm, csrfToken, logIn, required: auth.required };
}

export type DashboardAccess = ReturnType<typeof dashboardAccess>;
