import type { FastifyInstance } from 'fastify';

import { readProjectionRows, type ProjectionRow } from '../../projections/index.js';
import { noticeOf, type DashboardContext } from './context.js';
import { html, segment } from './html.js';
import { actionForm, page, table } from './layout.js';

const generations = (row: ProjectionRow | undefined) =>
  html`${row?.active_generation == null ? 'not built yet' : `generation ${row.active_generation} (v${row.active_version})`}${row?.building_generation == null ? '' : `; building generation ${row.building_generation} (v${row.building_version})`}`;

/** `/dashboard/projections`: versions, generations, a rebuild's progress and ETA; start one. */
export function projectionPages(context: DashboardContext, app: FastifyInstance): void {
  const { system } = context;
  const definitions = system.app.projections ?? [];

  app.get('/dashboard/projections', async (request, reply) => {
    const frame = context.frame(request, reply);
    const rows = new Map(
      (await readProjectionRows(system.store.driver)).map((row) => [row.name, row]),
    );
    const lines = await Promise.all(
      definitions.map(async (definition) => {
        const rebuild = system.projections.currentRebuild(definition.name);
        const progress = await rebuild?.progress();
        const total = progress === undefined ? 0 : progress.eventsDone + progress.eventsRemaining;
        const building =
          progress === undefined
            ? html`<span class="muted">—</span>`
            : html`<progress max="${total}" value="${progress.eventsDone}"></progress>
                ${progress.eventsDone} / ${total} events,
                ${progress.eventsPerSecond.toFixed(0)}/s${progress.etaSeconds === undefined ? '' : `, ETA ${Math.ceil(progress.etaSeconds)} s`}${progress.done ? ' (switching)' : ''}`;
        return html`<tr data-projection="${definition.name}">
          <td>${definition.name}</td>
          <td class="num">v${definition.version}</td>
          <td class="generations">${generations(rows.get(definition.name))}</td>
          <td class="rebuild">${building}</td>
          <td>
            ${actionForm(frame, `/dashboard/projections/${segment(definition.name)}/rebuild`, 'Rebuild', { confirm: `Rebuild ${definition.name} from the start of the log? Queries keep reading the current generation until the new one catches up.` })}
          </td>
        </tr>`;
      }),
    );
    const notice = noticeOf(request);
    const body = html`<div data-refresh="3"></div>
      ${notice === undefined ? '' : html`<p class="notice">${notice}</p>`}${table(['Projection', 'Version', 'Generations', 'Rebuild', ''], lines, 'The app has no projections.')}`;
    return context.send(reply, page(frame, 'projections', 'Projections', body));
  });

  app.post<{ Params: { name: string } }>(
    '/dashboard/projections/:name/rebuild',
    async (request, reply) => {
      const rebuild = await system.projections.rebuild(request.params.name);
      // Its progress shows on the page; a failure is the runtime's to report (logs, status).
      rebuild.done.catch(() => undefined);
      return context.back(
        reply,
        '/dashboard/projections',
        `Rebuilding ${rebuild.projection} into generation ${rebuild.generation}`,
      );
    },
  );
}
