import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

import { contextOf, spanContextOf, type TraceCarrier } from './trace-context.js';

/**
 * Strata's tracer. The global API hands out a proxy until an SDK registers a provider (as
 * `strata serve` does when `OTEL_*` variables ask for it); without one, spans cost next to nothing.
 */
export const strataTracer = trace.getTracer('strata');

/** How a span starts: its kind, attributes, links, and its parent (default: the active span). */
export interface SpanStart {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: readonly Link[];
  readonly parent?: Context;
}

/**
 * Runs `work` inside a new active span named `name`, which ends when `work` settles: marked as
 * an error, with the exception recorded, when it throws.
 */
export function inSpan<T>(
  name: string,
  start: SpanStart,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const options = {
    ...(start.kind === undefined ? {} : { kind: start.kind }),
    ...(start.attributes === undefined ? {} : { attributes: start.attributes }),
    ...(start.links === undefined ? {} : { links: [...start.links] }),
  };
  return strataTracer.startActiveSpan(
    name,
    options,
    start.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** At most this many links on a batch span: a batch of 2,000 events needs no 2,000 links. */
const MAX_LINKS = 128;

/**
 * Where the span of a batch of events belongs: inside the trace that recorded them when they
 * all come from one (the common case of one command's events), else a new trace linked to
 * each (up to 128) — a batch mixing many requests' events has no single parent.
 */
export function batchTraceStart(
  carriers: readonly TraceCarrier[],
): Pick<SpanStart, 'parent' | 'links'> {
  const traces = new Map<string, TraceCarrier>();
  for (const carrier of carriers) {
    const spanContext = spanContextOf(carrier);
    if (spanContext !== undefined && traces.size < MAX_LINKS) {
      traces.set(`${spanContext.traceId}-${spanContext.spanId}`, carrier);
    }
  }
  const [only] = traces.values();
  if (traces.size === 1 && only !== undefined) return { parent: contextOf(only) };
  const links: Link[] = [];
  for (const carrier of traces.values()) {
    const spanContext = spanContextOf(carrier);
    if (spanContext !== undefined) links.push({ context: spanContext });
  }
  return { parent: trace.deleteSpan(context.active()), links };
}
