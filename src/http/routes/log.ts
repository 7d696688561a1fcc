import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { LOG_START, parseCursor, type LogEntry, type StoredEvent } from '../../store/index.js';
import { requireRole, type createAuthenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';

const MAX_PAGE = 1000;

function integerParam(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      `${name} must be an integer from ${min} to ${max}`,
      {
        parameter: name,
      },
    );
  }
  return value;
}

const listParam = (text: string | undefined) =>
  text === undefined || text === '' ? undefined : text.split(',').map((item) => item.trim());

function envelope(event: StoredEvent) {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    cursor: event.cursor,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
}

/**
 * An entry of the log as operators see it: an event that cannot be decoded is shown as stored,
 * with the reason, so the page holding a poison event can still be read.
 */
function entryEnvelope({ event, problem }: LogEntry) {
  return problem === undefined
    ? envelope(event)
    : { ...envelope(event), undecodable: { reason: problem.reason, message: problem.message } };
}

/** `GET /streams/{id}` and `GET /events`: the log itself, paged, for operators. */
export function logRoutes(system: StrataSystem, auth: ReturnType<typeof createAuthenticator>) {
  return function log(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get<{ Params: { id: string }; Querystring: { from?: string; limit?: string } }>(
      '/streams/:id',
      async (request) => {
        requireRole(auth.authenticate(request.headers), 'admin');
        const streamId = request.params.id;
        const from = integerParam('from', request.query.from, 1, 1, Number.MAX_SAFE_INTEGER);
        const limit = integerParam('limit', request.query.limit, 100, 1, MAX_PAGE);
        const version = await system.store.streamVersion(streamId);
        if (version === 0)
          throw new HttpProblemError('NOT_FOUND', `No stream ${JSON.stringify(streamId)}`);
        const events = await system.store.readStream(streamId, { from, limit });
        const last = events.at(-1)?.streamVersion ?? from - 1;
        return {
          streamId,
          version,
          events: events.map(envelope),
          next: last < version ? last + 1 : null,
        };
      },
    );

    app.get<{
      Querystring: { after?: string; limit?: string; types?: string; categories?: string };
    }>('/events', async (request) => {
      requireRole(auth.authenticate(request.headers), 'admin');
      const { after, types, categories } = request.query;
      const limit = integerParam('limit', request.query.limit, 100, 1, MAX_PAGE);
      const typeList = listParam(types);
      const categoryList = listParam(categories);
      const page = await system.store.readPage(
        after === undefined ? LOG_START : parseCursor(after),
        {
          ...(typeList === undefined ? {} : { types: typeList }),
          ...(categoryList === undefined ? {} : { categories: categoryList }),
          limit,
        },
      );
      return {
        events: page.entries.map(entryEnvelope),
        next: page.entries.at(-1)?.event.cursor ?? after ?? null,
      };
    });
    done();
  };
}
