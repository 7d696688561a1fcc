export { createStrataMetrics } from './metrics.js';
export type { StrataMetrics } from './metrics.js';
export { collectSystemGauges } from './system-gauges.js';
export type { GaugeSources } from './system-gauges.js';
export { activeTraceFields, contextOf, formatTraceparent, spanContextOf } from './trace-context.js';
export type { TraceCarrier } from './trace-context.js';
export { batchTraceStart, inSpan, strataTracer } from './tracing.js';
export type { SpanStart } from './tracing.js';
export { categoryOf, metricsObservers } from './observers.js';
