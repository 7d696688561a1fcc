import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import {
  decodeCursor,
  eventEnvelope,
  LOG_START,
  parseCursor,
  type Cursor,
  type LogEntry,
} from '../../store/index.js';
import type { Authenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';
import { integerParam, listParam, singleParam, type RawParam } from './params.js';

const MAX_PAGE = 1000;
const BIGINT_MAX = 2n ** 63n - 1n;

const AFTER_EXPECTED =
  'after must be the `next` cursor of a page (like 00000000000000000123-00000000000000000045) ' +
  `or a global position, as a command returns it (an integer from 0 to ${Number.MAX_SAFE_INTEGER})`;

const POSITION = /^\d{1,16}$/;

/** The cursor of the event at `position` (0: the log's start); 400 naming `after` if none. */
async function cursorAtPosition(system: StrataSystem, position: number): Promise<Cursor> {
  if (position === 0) return LOG_START;
  const cursor = await system.store.cursorAt(position);
  if (cursor !== undefined) return cursor;
  throw new HttpProblemError('UNKNOWN_POSITION', `No event of the log has position ${position}`, {
    parameter: 'after',
    position,
  });
}

/** `after` as a cursor the read can take; 400 naming `after` and what it expects otherwise. */
function cursorParam(after: string): Cursor {
  const invalid = (options?: ErrorOptions) =>
    new HttpProblemError('INVALID_PARAMETER', AFTER_EXPECTED, { parameter: 'after' }, options);
  let parts: { transactionId: string; globalPosition: string };
  try {
    parts = decodeCursor(after);
  } catch (error) {
    throw invalid({ cause: error });
  }
  // Well-formed, but past PostgreSQL's (signed) bigint, which the read compares it as.
  if (BigInt(parts.transactionId) > BIGINT_MAX || BigInt(parts.globalPosition) > BIGINT_MAX) {
    throw invalid();
  }
  return parseCursor(after);
}

/**
 * Where `GET /events?after=` starts: after the event a page's `next` cursor or a global position
 * (as a command returns it) names, in the log's order; the log's start without `after`.
 */
async function startOf(system: StrataSystem, raw: RawParam): Promise<Cursor> {
  const after = singleParam('after', raw);
  if (after === undefined) return LOG_START;
  const position = Number(after);
  return POSITION.test(after) && Number.isSafeInteger(position)
    ? cursorAtPosition(system, position)
    : cursorParam(after);
}

/**
 * An entry of the log as operators see it: an event that cannot be decoded is shown as stored,
 * with the reason, so the page holding a poison event can still be read.
 */
function entryEnvelope({ event, problem }: LogEntry) {
  return problem === undefined
    ? eventEnvelope(event)
    : {
        ...eventEnvelope(event),
        undecodable: { reason: problem.reason, message: problem.message },
      };
}

type LogQuery = Record<string, RawParam>;

/** `GET /streams/{id}` and `GET /events`: the log itself, paged, for operators. */
export function logRoutes(system: StrataSystem, auth: Authenticator) {
  return function log(app: FastifyInstance, _options: unknown, done: () => void): void {
    const onRequest = auth.authorize('admin');
    app.get<{ Params: { id: string }; Querystring: LogQuery }>(
      '/streams/:id',
      { onRequest },
      async (request) => {
        const streamId = request.params.id;
        const { query } = request;
        const from = integerParam('from', query.from, {
          fallback: 1,
          min: 1,
          max: Number.MAX_SAFE_INTEGER,
        });
        const limit = integerParam('limit', query.limit, { fallback: 100, min: 1, max: MAX_PAGE });
        const version = await system.store.streamVersion(streamId);
        if (version === 0)
          throw new HttpProblemError('NOT_FOUND', `No stream ${JSON.stringify(streamId)}`);
        const events = await system.store.readStream(streamId, { from, limit });
        const last = events.at(-1)?.streamVersion ?? from - 1;
        return {
          streamId,
          version,
          events: events.map(eventEnvelope),
          next: last < version ? last + 1 : null,
        };
      },
    );

    app.get<{ Querystring: LogQuery }>('/events', { onRequest }, async (request) => {
      const { query } = request;
      const limit = integerParam('limit', query.limit, { fallback: 100, min: 1, max: MAX_PAGE });
      const typeList = listParam(query.types);
      const categoryList = listParam(query.categories);
      const start = await startOf(system, query.after);
      const page = await system.store.readPage(start, {
        ...(typeList === undefined ? {} : { types: typeList }),
        ...(categoryList === undefined ? {} : { categories: categoryList }),
        limit,
      });
      return {
        events: page.entries.map(entryEnvelope),
        next: page.entries.at(-1)?.event.cursor ?? (query.after === undefined ? null : start),
      };
    });
    done();
  };
}
