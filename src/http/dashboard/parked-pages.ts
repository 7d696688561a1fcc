import type { FastifyInstance } from 'fastify';

import type { ParkedEvent } from '../../subscriptions/index.js';
import { noticeOf, positionParam, type DashboardContext } from './context.js';
import { html, segment } from './html.js';
import { actionForm, page, table, type PageFrame } from './layout.js';

type ParkedParams = { Params: { subscriber: string; position: string } };

function parkedRow(frame: PageFrame, parked: ParkedEvent) {
  const base = `/dashboard/parked/${segment(parked.subscriber)}/${parked.globalPosition}`;
  const actions =
    parked.status === 'failed'
      ? html`${actionForm(frame, `${base}/retry`, 'Retry')}${actionForm(
          frame,
          `${base}/skip`,
          'Skip',
          {
            confirm: `Skip event ${parked.globalPosition} for ${parked.subscriber}? It will never be handled.`,
          },
        )}`
      : '';
  return html`<tr data-position="${parked.globalPosition}">
    <td>${parked.subscriber}</td>
    <td>
      <a href="/dashboard/streams/${segment(parked.streamId)}">${parked.streamId}</a
      >@${parked.streamVersion}
    </td>
    <td class="num">${parked.globalPosition}</td>
    <td><a href="/dashboard/events/${segment(parked.eventId)}">${parked.eventType}</a></td>
    <td>
      ${parked.status}${parked.requestedAction === undefined ? '' : ` (${parked.requestedAction} requested)`}
    </td>
    <td class="num">${parked.attempts}</td>
    <td class="bad">${parked.error}</td>
    <td>${parked.parkedAt.toISOString()}</td>
    <td>${actions}</td>
  </tr>`;
}

/** `/dashboard/parked`: parked events per subscriber and stream with the error; retry, skip. */
export function parkedPages(context: DashboardContext, app: FastifyInstance): void {
  const { parked } = context.system.engine;

  app.get('/dashboard/parked', async (request, reply) => {
    const frame = context.frame(request, reply);
    const { subscriber } = request.query as { subscriber?: string };
    const list = await parked.list(
      subscriber === undefined || subscriber === '' ? {} : { subscriber },
    );
    const notice = noticeOf(request);
    const body = html`${notice === undefined ? '' : html`<p class="notice">${notice}</p>`}${table(
      ['Subscriber', 'Stream', 'Position', 'Event', 'Status', 'Attempts', 'Error', 'Parked', ''],
      list.map((each) => parkedRow(frame, each)),
      'Nothing is parked.',
    )}`;
    return context.send(reply, page(frame, 'parked', 'Parked events', body));
  });

  for (const action of ['retry', 'skip'] as const) {
    app.post<ParkedParams>(
      `/dashboard/parked/:subscriber/:position/${action}`,
      async (request, reply) => {
        const { subscriber } = request.params;
        const position = positionParam(request.params.position, 'position');
        const outcome = await parked[action](subscriber, position);
        return context.back(
          reply,
          '/dashboard/parked',
          `${action} of event ${position} for ${subscriber}: ${outcome}`,
        );
      },
    );
  }
}
