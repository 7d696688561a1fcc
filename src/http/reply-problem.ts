import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import {
  HttpProblemError,
  isProblemCode,
  PROBLEMS,
  problemFor,
  type ProblemCode,
  type ProblemKind,
} from './problems.js';

/**
 * Fastify's own errors (and its plugins'), by code, as the problem codes of the gateway's
 * table. A forbidden static path is answered as not found: nothing there is served.
 */
const FASTIFY_ERRORS: Readonly<Record<string, ProblemCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_BAD_URL: 'INVALID_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_STATIC_FORBIDDEN_PATH: 'NOT_FOUND',
};

/** Any other client error a plugin raises, by its status. */
const BY_STATUS: Readonly<Record<number, ProblemCode>> = {
  404: 'NOT_FOUND',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** `error` as a problem of the table when Fastify or a plugin raised it for a bad request. */
function fromFramework(error: unknown): unknown {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (error instanceof HttpProblemError || !(error instanceof Error)) return error;
  const known = typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined;
  const clientError = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
  const problemCode = known ?? (clientError ? (BY_STATUS[statusCode] ?? 'BAD_REQUEST') : undefined);
  if (problemCode === undefined) return error;
  // The static plugin says "Forbidden" of a path outside its root: nothing is there to find.
  const detail =
    code === 'FST_STATIC_FORBIDDEN_PATH' ? 'Nothing is served at this path' : error.message;
  return new HttpProblemError(problemCode, detail, {}, { cause: error });
}

/**
 * Answers `error` as an RFC 9457 problem document with the request id, and the headers its
 * kind calls for (`Retry-After`, `WWW-Authenticate`). Faults of the server are logged in full;
 * the answer never holds their text.
 */
export function replyWithProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply {
  const problem = problemFor(fromFramework(error), request.id);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: problem.code }, problem.detail);
  // A domain rejection's code is the domain's own, not a row of the table.
  const kind: ProblemKind | undefined =
    problem.status !== 422 && isProblemCode(problem.code) ? PROBLEMS[problem.code] : undefined;
  if (kind?.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(kind.retryAfterSeconds));
  }
  for (const [name, value] of Object.entries(kind?.headers ?? {})) void reply.header(name, value);
  return reply
    .code(problem.status)
    .header('x-request-id', request.id)
    .type('application/problem+json')
    .send(problem);
}

/**
 * Makes every answer carry its request id, and every error, a route that does not exist
 * included, a problem document.
 */
export function answerErrorsAsProblems(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(async (error, request, reply) => replyWithProblem(request, reply, error));
  app.setNotFoundHandler(async (request, reply) =>
    replyWithProblem(
      request,
      reply,
      new HttpProblemError('NOT_FOUND', `No route ${request.method} ${request.url}`),
    ),
  );
}
