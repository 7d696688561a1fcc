import {
  context,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import {
  contextOf,
  formatTraceparent,
  strataTracer,
  type StrataMetrics,
} from '../observability/index.js';

interface RequestTelemetry {
  readonly span: Span;
  readonly startedAt: number;
}

const telemetry = new WeakMap<FastifyRequest, RequestTelemetry>();

/** The route pattern a request matched (`/commands/:name`); `unmatched` for a 404. */
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

/**
 * The context a request continues: the caller's trace from its headers, through the registered
 * propagator, or else read as W3C `traceparent` (so a trace survives without any SDK too).
 */
function callerContext(request: FastifyRequest): Context {
  const extracted = propagation.extract(context.active(), request.headers);
  if (trace.getSpanContext(extracted) !== undefined) return extracted;
  return contextOf(request.headers);
}

/**
 * Measures and traces every request: a server span per request (continuing the caller's trace)
 * and `strata_http_request_duration_seconds` by method, route pattern and status.
 */
export function instrumentRequests(app: FastifyInstance, metrics: StrataMetrics): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const span = strataTracer.startSpan(
      `${request.method} ${routeOf(request)}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': routeOf(request) },
      },
      callerContext(request),
    );
    telemetry.set(request, { span, startedAt: performance.now() });
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const measured = telemetry.get(request);
    if (measured !== undefined) {
      const status = reply.statusCode;
      measured.span.setAttribute('http.response.status_code', status);
      if (status >= 500) measured.span.setStatus({ code: SpanStatusCode.ERROR });
      measured.span.end();
      metrics.httpRequestDuration.observe(
        { method: request.method, route: routeOf(request), status_code: String(status) },
        (performance.now() - measured.startedAt) / 1000,
      );
    }
    done();
  });
}

/**
 * Runs `work` inside the request's span, so what it starts (a command, its append) joins the
 * request's trace.
 */
export function inRequestSpan<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const span = telemetry.get(request)?.span;
  if (span === undefined) return work();
  return context.with(trace.setSpan(context.active(), span), work);
}

/**
 * The request's trace fields for a command's metadata: without a context manager (no SDK) the
 * store cannot see the request's span, and the caller's trace would stop at the gateway.
 */
export function requestTraceFields(request: FastifyRequest): Record<string, string> {
  const spanContext = telemetry.get(request)?.span.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { traceparent: formatTraceparent(spanContext) };
}
