import type { FastifyReply, FastifyRequest } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { HttpProblemError } from '../problems.js';
import type { DashboardAccess } from './access.js';
import type { SafeHtml } from './html.js';
import type { PageFrame } from './layout.js';
import { logQueries, type LogQueries } from './log-queries.js';

/** What the dashboard's pages share: the system, access control, the log's queries. */
export interface DashboardContext {
  readonly system: StrataSystem;
  readonly access: DashboardAccess;
  readonly log: LogQueries;
  /** The frame of a page for `request` (its form token set as a cookie when new). */
  frame(request: FastifyRequest, reply: FastifyReply): PageFrame;
  /** Sends a page. */
  send(reply: FastifyReply, page: SafeHtml): FastifyReply;
  /** After an action: back to `to`, with `notice` shown there. */
  back(reply: FastifyReply, to: string, notice: string): FastifyReply;
}

export function dashboardContext(system: StrataSystem, access: DashboardAccess): DashboardContext {
  return {
    system,
    access,
    log: logQueries(system.store.driver),
    frame: (request, reply) => ({
      app: system.app.name,
      parts: { bus: system.bus !== undefined, lake: system.lake !== undefined },
      csrfToken: access.csrfToken(request, reply),
    }),
    send: (reply, page) => reply.type('text/html; charset=utf-8').send(page.markup),
    back: (reply, to, notice) =>
      reply.redirect(
        `${to}${to.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}`,
        303,
      ),
  };
}

/** The notice an action left for the page it went back to. */
export function noticeOf(request: FastifyRequest): string | undefined {
  const { notice } = request.query as { notice?: unknown };
  return typeof notice === 'string' && notice !== '' ? notice.slice(0, 300) : undefined;
}

/** A global position from a form or URL: 0 or more; a 400 naming `parameter` otherwise. */
export function positionParam(raw: unknown, parameter: string): number {
  const position = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(position)) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      `${parameter} must be a global position (0 or more)`,
      {
        parameter,
      },
    );
  }
  return position;
}
