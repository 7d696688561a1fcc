import type { FastifyInstance } from 'fastify';

import { LOG_START } from '../../store/index.js';
import type { LeaseHolder } from '../../store/index.js';
import type { SubscriberStatus } from '../../subscriptions/index.js';
import { HttpProblemError } from '../problems.js';
import { noticeOf, positionParam, type DashboardContext } from './context.js';
import { checkpoint, html, segment } from './html.js';
import { actionForm, page, table, type PageFrame } from './layout.js';
import { subscriberRates } from './rates.js';

type ByName = { Params: { name: string } };

/** Who runs a subscriber: this process, another one's session (PostgreSQL), or no one. */
function leaseText(holder: LeaseHolder | undefined): string {
  if (holder === undefined) return 'no process';
  if (holder.thisProcess) return 'this process';
  const from = holder.clientAddress === undefined ? '' : ` from ${holder.clientAddress}`;
  return `pid ${holder.pid ?? '?'} (${holder.applicationName ?? '?'})${from}`;
}

function subscriberRow(
  frame: PageFrame,
  status: SubscriberStatus,
  paused: boolean,
  rate: number | undefined,
  holder: LeaseHolder | undefined,
) {
  const base = `/dashboard/subscribers/${segment(status.name)}`;
  const actions = paused
    ? html`${actionForm(frame, `${base}/resume`, 'Resume')}${actionForm(
        frame,
        `${base}/reset`,
        'Reset to position',
        {
          fields: html`<input
            type="number"
            name="position"
            min="0"
            required
            size="8"
            aria-label="position"
          />`,
          confirm: `Move the checkpoint of ${status.name}? Events after the position are handled again.`,
        },
      )}`
    : actionForm(frame, `${base}/pause`, 'Pause');
  return html`<tr data-subscriber="${status.name}">
    <td>${status.name}</td>
    <td class="state">${paused ? 'paused' : status.state}</td>
    <td>${leaseText(holder)}</td>
    <td>${checkpoint(status.cursor)}</td>
    <td class="num">${status.lagEvents}${status.lagComplete ? '' : '+'}</td>
    <td class="num">${status.lagSeconds.toFixed(1)} s</td>
    <td class="num">${rate === undefined ? '—' : `${rate.toFixed(1)}/s`}</td>
    <td class="num">
      ${status.parked > 0 ? html`<a href="/dashboard/parked?subscriber=${segment(status.name)}">${status.parked}</a>` : 0}
    </td>
    <td class="bad">${status.lastError}</td>
    <td>${actions}</td>
  </tr>`;
}

/** `/dashboard/subscribers`: every subscriber's lease, cursor, lag and errors; pause, resume, reset. */
export function subscriberPages(context: DashboardContext, app: FastifyInstance): void {
  const { system } = context;
  const rateOf = subscriberRates(system.metrics);

  app.get('/dashboard/subscribers', async (request, reply) => {
    const frame = context.frame(request, reply);
    const [statuses, pauses, rates] = await Promise.all([
      system.engine.status(),
      system.engine.pauses(),
      rateOf(),
    ]);
    const holders = await Promise.all(
      statuses.map((status) => system.engine.leaseHolder(status.name)),
    );
    const paused = new Set(pauses.map((pause) => pause.subscriber));
    const notice = noticeOf(request);
    const body = html`${notice === undefined ? '' : html`<p class="notice">${notice}</p>`}${table(
      [
        'Subscriber',
        'State',
        'Lease',
        'Checkpoint',
        'Lag (events)',
        'Lag (time)',
        'Rate',
        'Parked',
        'Last error',
        '',
      ],
      statuses.map((status, index) =>
        subscriberRow(
          frame,
          status,
          paused.has(status.name),
          rates.get(status.name),
          holders[index],
        ),
      ),
      'No subscribers.',
    )}`;
    return context.send(reply, page(frame, 'subscribers', 'Subscribers', body));
  });

  app.post<ByName>('/dashboard/subscribers/:name/pause', async (request, reply) => {
    await system.engine.pause(request.params.name, 'paused from the dashboard');
    return context.back(reply, '/dashboard/subscribers', `${request.params.name} paused`);
  });

  app.post<ByName>('/dashboard/subscribers/:name/resume', async (request, reply) => {
    await system.engine.resume(request.params.name);
    return context.back(reply, '/dashboard/subscribers', `${request.params.name} resumed`);
  });

  app.post<ByName>('/dashboard/subscribers/:name/reset', async (request, reply) => {
    const raw = (request.body as { position?: unknown } | undefined)?.position;
    const position = positionParam(raw, 'position');
    const cursor = position === 0 ? LOG_START : await system.store.cursorAt(position);
    if (cursor === undefined) {
      throw new HttpProblemError(
        'UNKNOWN_POSITION',
        `No event of the log has position ${position}`,
        {
          parameter: 'position',
          position,
        },
      );
    }
    await system.engine.resetTo(request.params.name, cursor);
    return context.back(
      reply,
      '/dashboard/subscribers',
      `${request.params.name} moved to position ${position}: resume it to read on from there`,
    );
  });
}
