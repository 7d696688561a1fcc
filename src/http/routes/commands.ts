import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { UnknownMessageError } from '../../messages/index.js';
import { callerOf, type Authenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';
import { inRequestSpan, requestTraceFields } from '../request-telemetry.js';

const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `If-Match: 3` or `If-Match: "3"`: the stream version the command expects. */
function expectedVersionOf(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"?(\d{1,15})"?\s*$/.exec(header);
  if (match?.[1] === undefined) {
    throw new HttpProblemError('INVALID_PARAMETER', 'If-Match must be a stream version, like "3"', {
      parameter: 'If-Match',
    });
  }
  return Number(match[1]);
}

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      { parameter: 'Idempotency-Key' },
    );
  }
  return header;
}

/** `POST /commands/{name}`: validate, handle, answer with what was appended. */
export function commandRoutes(system: StrataSystem, auth: Authenticator) {
  return function commands(app: FastifyInstance, _options: unknown, done: () => void): void {
    const onRequest = auth.authorize('command');
    app.post<{ Params: { name: string } }>(
      '/commands/:name',
      { onRequest },
      async (request, reply) => {
        const caller = callerOf(request);
        const { name } = request.params;
        if (!system.commands.commandTypes.includes(name))
          throw new UnknownMessageError(name, 'command');
        const id = idempotencyKeyOf(singleHeader(request.headers['idempotency-key']));
        const expectedVersion = expectedVersionOf(singleHeader(request.headers['if-match']));
        const result = await inRequestSpan(request, () =>
          system.commands.send({
            type: name,
            data: request.body,
            ...(id === undefined ? {} : { id }),
            ...(expectedVersion === undefined ? {} : { expectedVersion }),
            metadata: {
              actor: caller.name,
              correlationId: singleHeader(request.headers['x-correlation-id']) ?? request.id,
              ...requestTraceFields(request),
            },
          }),
        );
        if (result.duplicate) void reply.header('idempotent-replayed', 'true');
        return {
          commandId: result.commandId,
          streamId: result.streamId,
          version: result.streamVersion,
          position: result.position ?? null,
          events: result.events.map((event) => ({ id: event.id, type: event.type })),
        };
      },
    );
    done();
  };
}
