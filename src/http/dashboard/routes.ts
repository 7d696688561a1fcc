import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import type { Authenticator } from '../auth.js';
import { dashboardAccess } from './access.js';
import { DASHBOARD_CSS, DASHBOARD_ICON, DASHBOARD_JS } from './assets.js';
import { dashboardContext } from './context.js';
import { html } from './html.js';
import { overviewPage } from './overview-page.js';
import { parkedPages } from './parked-pages.js';
import { partPages } from './part-pages.js';
import { projectionPages } from './projection-pages.js';
import { streamPages } from './stream-pages.js';
import { subscriberPages } from './subscriber-pages.js';
import { tailPages } from './tail.js';

/** Only the dashboard's own script and stylesheet; no frames, no inline code, no other origin. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const OPEN_PATHS = new Set([
  '/dashboard/login',
  '/dashboard/assets/dashboard.css',
  '/dashboard/assets/dashboard.js',
  '/dashboard/assets/icon.svg',
]);

const loginPage = (failed: boolean) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Strata dashboard</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        <link rel="icon" href="/dashboard/assets/icon.svg" type="image/svg+xml" />
      </head>
      <body>
        <main>
          <h1>Strata dashboard</h1>
          ${failed ? html`<p class="bad">That key does not have the admin role.</p>` : ''}
          <form method="post" action="/dashboard/login">
            <label
              >API key with the admin role
              <input type="password" name="key" required autocomplete="current-password"
            /></label>
            <button type="submit">Open</button>
          </form>
        </main>
      </body>
    </html>`;

/**
 * `/dashboard`: the operator's pages, server-rendered (no build, no CDN), live where it matters
 * (the tail over server-sent events, pages that refresh). The `admin` role when API keys are on;
 * every action a same-origin POST with the form token.
 */
export function dashboardRoutes(system: StrataSystem, auth: Authenticator) {
  return function dashboard(app: FastifyInstance, _options: unknown, done: () => void): void {
    const access = dashboardAccess(auth);
    const context = dashboardContext(system, access);
    // Forms post url-encoded bodies; this scope alone reads them.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, parsed) => {
        parsed(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    app.addHook('onRequest', async (request, reply) => {
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'same-origin');
      const path = request.url.split('?')[0] ?? '';
      if (OPEN_PATHS.has(path)) return;
      if (!access.admit(request, reply)) return reply;
    });
    app.addHook('preHandler', (request, _reply, next) => {
      const path = request.url.split('?')[0] ?? '';
      try {
        if (request.method === 'POST' && path !== '/dashboard/login') access.checkForm(request);
        next();
      } catch (error) {
        next(error as Error);
      }
    });

    app.get('/dashboard/assets/dashboard.css', (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(DASHBOARD_CSS),
    );
    app.get('/dashboard/assets/dashboard.js', (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(DASHBOARD_JS),
    );
    app.get('/dashboard/assets/icon.svg', (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(DASHBOARD_ICON),
    );
    app.get('/dashboard/login', (_request, reply) => context.send(reply, loginPage(false)));
    app.post('/dashboard/login', (request, reply) => {
      const key = (request.body as { key?: unknown } | undefined)?.key;
      try {
        access.logIn(request, reply, typeof key === 'string' ? key : '');
      } catch {
        void reply.code(401);
        return context.send(reply, loginPage(true));
      }
      return reply.redirect('/dashboard', 303);
    });

    overviewPage(context, app);
    streamPages(context, app);
    subscriberPages(context, app);
    parkedPages(context, app);
    projectionPages(context, app);
    partPages(context, app);
    tailPages(context, app);
    done();
  };
}
