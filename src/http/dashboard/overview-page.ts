import type { FastifyInstance } from 'fastify';

import type { SqlDriver } from '../../store/index.js';
import type { DashboardContext } from './context.js';
import { html } from './html.js';
import { page } from './layout.js';
import { strataVersion } from './version.js';

/** Durability as the database says it: fsync and synchronous_commit, or PGlite's mode. */
async function durability(driver: SqlDriver) {
  const [settings] = await driver.query<{ fsync: string; sync: string; version: string }>(
    `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync,
            current_setting('server_version') AS version`,
  );
  return {
    engine:
      driver.kind === 'pglite'
        ? `PGlite (embedded PostgreSQL ${settings?.version ?? '?'})`
        : `PostgreSQL ${settings?.version ?? '?'}`,
    settings:
      driver.kind === 'pglite'
        ? 'commits survive a killed process; PGlite does not fsync (a power cut can lose the last ones)'
        : `fsync=${settings?.fsync ?? '?'}, synchronous_commit=${settings?.sync ?? '?'}`,
  };
}

/** Events recorded in the last minute, per second, and the log's last position. */
async function recentRate(driver: SqlDriver) {
  const [row] = await driver.query<{ recent: number; last: number | null }>(
    `SELECT (SELECT count(*) FROM events
              WHERE recorded_at > now() - interval '60 seconds')::float8 AS recent,
            (SELECT max(global_position) FROM events)::float8 AS last`,
  );
  return { perSecond: (row?.recent ?? 0) / 60, last: row?.last ?? 0 };
}

/** `GET /dashboard`: health, durability, versions, events/s, the horizon and what holds it. */
export function overviewPage(context: DashboardContext, app: FastifyInstance): void {
  const { system } = context;
  app.get('/dashboard', async (request, reply) => {
    const [availability, store, rate, horizon, subscribers] = await Promise.all([
      system.store.availability(),
      durability(system.store.driver),
      recentRate(system.store.driver),
      system.store.horizon({ olderThanMs: 0 }),
      system.engine.status(),
    ]);
    const failing = subscribers.filter((each) => ['failed', 'failing'].includes(each.state));
    const lagging = subscribers.reduce((sum, each) => sum + each.lagEvents, 0);
    const parked = subscribers.reduce((sum, each) => sum + each.parked, 0);
    const holder = horizon.heldBy;
    const body = html`<div data-refresh="5"></div>
      <div class="cards">
        <div class="card">
          <div class="muted">Health</div>
          <div class="value ${availability.writable ? 'good' : 'bad'}">
            ${availability.writable ? 'writable' : `not writable (${availability.reason ?? 'unreachable'})`}
          </div>
        </div>
        <div class="card">
          <div class="muted">Events/s (last minute)</div>
          <div class="value" id="rate">${rate.perSecond.toFixed(rate.perSecond < 10 ? 2 : 0)}</div>
        </div>
        <div class="card">
          <div class="muted">Last position</div>
          <div class="value">${rate.last}</div>
        </div>
        <div class="card">
          <div class="muted">Subscribers lag</div>
          <div class="value">${lagging} events</div>
        </div>
        <div class="card">
          <div class="muted">Parked</div>
          <div class="value ${parked > 0 ? 'warn' : ''}">${parked}</div>
        </div>
        <div class="card">
          <div class="muted">Failing subscribers</div>
          <div class="value ${failing.length > 0 ? 'bad' : ''}">${failing.length}</div>
        </div>
      </div>
      <h2>Visibility horizon</h2>
      ${
        holder === undefined
          ? html`<p class="good">No open transaction holds readers back.</p>`
          : html`<p class="${holder.ageSeconds > 5 ? 'bad' : 'warn'}">
                A transaction open for ${holder.ageSeconds.toFixed(1)} s holds every reader back:
              </p>
              <dl class="facts">
                <dt>pid</dt>
                <dd>${holder.pid ?? 'prepared'}</dd>
                <dt>user</dt>
                <dd>${holder.user}</dd>
                <dt>application</dt>
                <dd>${holder.applicationName}</dd>
                <dt>state</dt>
                <dd>${holder.state}</dd>
                <dt>prepared as</dt>
                <dd>${holder.preparedAs ?? '—'}</dd>
              </dl>`
      }
      ${horizon.seesAllSessions ? '' : html`<p class="muted">Strata's role cannot see other roles' transactions (grant pg_read_all_stats).</p>`}
      <h2>Store and versions</h2>
      <dl class="facts">
        <dt>Store</dt>
        <dd>${store.engine}</dd>
        <dt>Durability</dt>
        <dd>${store.settings}</dd>
        <dt>Strata</dt>
        <dd>${strataVersion()}</dd>
        <dt>Node.js</dt>
        <dd>${process.version}</dd>
        <dt>Bus</dt>
        <dd>${system.bus === undefined ? 'off' : `on: ${system.bus.stream.name}`}</dd>
        <dt>Lake</dt>
        <dd>${system.lake === undefined ? 'off' : `on: ${system.lake.status().location}`}</dd>
      </dl>`;
    return context.send(reply, page(context.frame(request, reply), '', 'Overview', body));
  });
}
