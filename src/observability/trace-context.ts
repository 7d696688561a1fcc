import {
  context,
  createTraceState,
  isSpanContextValid,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`, `tracestate`) as event metadata and message headers carry
 * it. The format is fixed here, not left to whichever propagator a user registered: a trace
 * must survive the log whatever the process that reads it configured (or without any SDK).
 */

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace context fields, as strings, that metadata or headers hold. */
export interface TraceCarrier {
  readonly traceparent?: unknown;
  readonly tracestate?: unknown;
  readonly [field: string]: unknown;
}

/** `traceparent` of `spanContext`: version 00, its ids, and whether it is sampled. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 1) === 1 ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The remote span context `carrier` names; `undefined` when it has none or a malformed one. */
export function spanContextOf(carrier: TraceCarrier): SpanContext | undefined {
  if (typeof carrier.traceparent !== 'string') return undefined;
  const match = TRACEPARENT.exec(carrier.traceparent);
  if (match === null) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(typeof carrier.tracestate === 'string' && carrier.tracestate !== ''
      ? { traceState: createTraceState(carrier.tracestate) }
      : {}),
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A context whose parent is the span `carrier` names (the root context when it names none). */
export function contextOf(carrier: TraceCarrier, base: Context = context.active()): Context {
  const spanContext = spanContextOf(carrier);
  return spanContext === undefined ? base : trace.setSpanContext(base, spanContext);
}

/**
 * The trace fields of the span active now, to store beside an event: always when there is
 * one, sampled or not (a trace dropped by the sampler here may be kept downstream, and its
 * id still ties the pieces together). Empty when no span is active.
 */
export function activeTraceFields(): { traceparent?: string; tracestate?: string } {
  const spanContext = trace.getSpanContext(context.active());
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  const state = spanContext.traceState?.serialize();
  return {
    traceparent: formatTraceparent(spanContext),
    ...(state === undefined || state === '' ? {} : { tracestate: state }),
  };
}
