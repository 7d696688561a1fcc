import { randomUUID } from 'node:crypto';

import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';

import type { StrataSystem } from '../app/index.js';
import { createAuthenticator, type ApiKey } from './auth.js';
import { openApiDocument } from './openapi.js';
import { HttpProblemError, PROBLEMS, problemFor } from './problems.js';
import { commandRoutes } from './routes/commands.js';
import { healthRoutes } from './routes/health.js';
import { logRoutes } from './routes/log.js';
import { queryRoutes } from './routes/queries.js';

export interface GatewayOptions {
  readonly system: StrataSystem;
  /** With none, every request is allowed: serve on localhost only. */
  readonly apiKeys?: readonly ApiKey[];
  /** Largest request body; default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Fastify's logger option: `false` (default) or pino options. */
  readonly logger?: FastifyServerOptions['logger'];
  /** A logger of the caller's (pino) for request logs; overrides `logger`. */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Whether the system has started (readiness); default: always. */
  readonly isStarted?: () => boolean;
  /** How long a read-your-writes query waits before a 503; default 5 s. */
  readonly consistencyTimeoutMs?: number;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Fastify's own errors, by code, as the problem codes of the gateway's table. */
const FASTIFY_ERRORS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
};

function asStrataError(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code in FASTIFY_ERRORS) {
    return new HttpProblemError(FASTIFY_ERRORS[code] ?? 'INTERNAL', (error as Error).message);
  }
  return error;
}

/**
 * The HTTP gateway of a system, built but not listening (tests use `inject`; `serve` listens):
 * commands, queries, the log, health, `/openapi.json`, `/docs` and `/schemas`. Every error is
 * an RFC 9457 problem document, and every response carries its request id.
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const { system, isStarted = () => true } = options;
  const auth = createAuthenticator(options.apiKeys ?? []);
  const app = Fastify({
    ...(options.loggerInstance === undefined
      ? { logger: options.logger ?? false }
      : { loggerInstance: options.loggerInstance }),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
  });

  // JSON only (anything else is a 415), parsed by JSON.parse itself: any failure (syntax,
  // nesting too deep) is the client's malformed body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpProblemError('MALFORMED_JSON', 'The body is not valid JSON'), undefined);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = problemFor(asStrataError(error), request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code }, problem.detail);
    const retryAfter = PROBLEMS[problem.code]?.retryAfterSeconds;
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const problem = problemFor(
      new HttpProblemError('NOT_FOUND', `No route ${request.method} ${request.url}`),
      request.id,
    );
    return reply.code(404).type('application/problem+json').send(problem);
  });

  const document = openApiDocument(system.app.name, system.registry);
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: document as never },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', () => document);
  app.get('/schemas', () => ({ messages: system.registry.list() }));

  await app.register(commandRoutes(system, auth));
  await app.register(queryRoutes(system, auth, options.consistencyTimeoutMs ?? 5_000));
  await app.register(logRoutes(system, auth));
  await app.register(healthRoutes(system, isStarted));
  return app;
}
