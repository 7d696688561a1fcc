import { randomUUID } from 'node:crypto';

import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';

import type { StrataSystem } from '../app/index.js';
import { asyncApiDocument } from '../bus/index.js';
import { MAX_STREAM_ID_LENGTH } from '../store/index.js';
import { createAuthenticator, type ApiKey } from './auth.js';
import { answerClientError } from './client-errors.js';
import { acceptJsonBodies } from './json-body.js';
import { openApiDocument } from './openapi/index.js';
import { answerErrorsAsProblems, replyWithProblem } from './reply-problem.js';
import { commandRoutes } from './routes/commands.js';
import { healthRoutes } from './routes/health.js';
import { dashboardRoutes } from './dashboard/index.js';
import { instrumentRequests } from './request-telemetry.js';
import { logRoutes } from './routes/log.js';
import { metricsRoutes } from './routes/metrics.js';
import { queryRoutes } from './routes/queries.js';
import { webhookRoutes } from './routes/webhooks.js';
import { refuseUnstorableParameters } from './storable-text.js';

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
  /** First token(s) of the app's bus subjects, as `/asyncapi.json` names them; default `strata`. */
  readonly subjectPrefix?: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The HTTP gateway of a system, built but not listening (tests use `inject`; `serve` listens):
 * commands, queries, the log, health, `/openapi.json`, `/docs`, `/schemas` and the bus's
 * `/asyncapi.json` (served with or without NATS). Every error is
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
    // Every stream id the store accepts can be read back at /streams/{id}.
    routerOptions: { maxParamLength: MAX_STREAM_ID_LENGTH },
    // Fastify's own refusals (a bad URL encoding, a parameter too long) are problems too.
    frameworkErrors: (error, request, reply) => {
      void replyWithProblem(request, reply, error);
    },
    // And so are requests Node cannot even parse as HTTP.
    clientErrorHandler: answerClientError,
  });

  instrumentRequests(app, system.metrics);
  acceptJsonBodies(app);
  app.addHook('preValidation', refuseUnstorableParameters);
  answerErrorsAsProblems(app);

  const document = openApiDocument({
    title: system.app.name,
    registry: system.registry,
    ...(system.app.license === undefined ? {} : { license: system.app.license }),
  });
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: document as never },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', () => document);
  app.get('/schemas', () => ({ messages: system.registry.list() }));
  const asyncApi = asyncApiDocument({
    app: system.app.name,
    registry: system.registry,
    ...(options.subjectPrefix === undefined ? {} : { prefix: options.subjectPrefix }),
  });
  app.get('/asyncapi.json', () => asyncApi);

  await app.register(commandRoutes(system, auth));
  await app.register(queryRoutes(system, auth, options.consistencyTimeoutMs ?? 5_000));
  await app.register(logRoutes(system, auth));
  await app.register(healthRoutes(system, isStarted));
  await app.register(webhookRoutes(system, auth));
  await app.register(metricsRoutes(system, auth));
  await app.register(dashboardRoutes(system, auth));
  return app;
}
