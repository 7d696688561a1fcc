import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import type { Authenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';
import { inRequestSpan } from '../request-telemetry.js';

const MIN_POSITION_PARAM = 'minPosition';

/**
 * Turns query-string text into the types the query's schema declares for its top-level
 * parameters (numbers, booleans, arrays as repeated or comma-separated values); anything
 * that does not convert is left as text for validation to reject with a clear message.
 */
function coerce(
  raw: Record<string, string | string[] | undefined>,
  schema: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === MIN_POSITION_PARAM || value === undefined) continue;
    const type = properties[name]?.type;
    const text = Array.isArray(value) ? value : [value];
    if (type === 'array') params[name] = text.flatMap((item) => item.split(','));
    else params[name] = convert(name, text.at(-1) ?? '', type);
  }
  return params;
}

function convert(name: string, text: string, type: unknown): unknown {
  const number = text.trim() === '' ? NaN : Number(text);
  // Past 2^53 a number is rounded: the query would run with a value the client never sent
  // (and PostgreSQL refuses most of them as out of range for bigint).
  if (type === 'integer' && Number.isInteger(number) && !Number.isSafeInteger(number)) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      `${name} must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`,
      { parameter: name },
    );
  }
  if ((type === 'integer' || type === 'number') && Number.isFinite(number)) return number;
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function minPositionOf(
  header: string | string[] | undefined,
  param: string | string[] | undefined,
) {
  const text = [header, param].flat().find((value) => value !== undefined);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      'Strata-Min-Position must be a global position',
      {
        parameter: 'Strata-Min-Position',
      },
    );
  }
  return Number(text);
}

/** `GET /queries/{name}?…`: coerce and validate parameters, optionally wait, answer. */
export function queryRoutes(
  system: StrataSystem,
  auth: Authenticator,
  consistencyTimeoutMs: number,
) {
  return function queries(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get<{ Params: { name: string }; Querystring: Record<string, string | string[]> }>(
      '/queries/:name',
      { onRequest: auth.authorize('query') },
      async (request) => {
        const { name } = request.params;
        const definition = system.registry.query(name);
        const schema = system.registry.list().find((message) => message.name === definition.name);
        const params = coerce(request.query, schema?.schema ?? {});
        const minPosition = minPositionOf(
          request.headers['strata-min-position'],
          request.query[MIN_POSITION_PARAM],
        );
        const result = await inRequestSpan(request, () =>
          system.queries.run(
            name,
            params,
            minPosition === undefined ? {} : { minPosition, timeoutMs: consistencyTimeoutMs },
          ),
        );
        if (result === undefined || result === null) {
          throw new HttpProblemError('NOT_FOUND', `${name} found nothing for these parameters`);
        }
        return result;
      },
    );
    done();
  };
}
