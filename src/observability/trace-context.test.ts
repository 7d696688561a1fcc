import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { formatTraceparent, spanContextOf } from './trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('W3C trace context in metadata and headers', () => {
  it('reads a traceparent and writes it back unchanged, sampled or not', () => {
    for (const flags of ['01', '00']) {
      const traceparent = `00-${TRACE}-${SPAN}-${flags}`;
      const spanContext = spanContextOf({ traceparent });
      expect(spanContext).toMatchObject({ traceId: TRACE, spanId: SPAN, isRemote: true });
      expect(formatTraceparent(spanContext!)).toBe(traceparent);
    }
  });

  it('keeps only the sampled flag of the flags it reads', () => {
    expect(spanContextOf({ traceparent: `00-${TRACE}-${SPAN}-03` })?.traceFlags).toBe(
      TraceFlags.SAMPLED,
    );
  });

  it('carries tracestate along with it', () => {
    const spanContext = spanContextOf({
      traceparent: `00-${TRACE}-${SPAN}-01`,
      tracestate: 'vendor=a,other=b',
    });
    expect(spanContext?.traceState?.get('vendor')).toBe('a');
  });

  it.each([
    ['no traceparent', undefined],
    ['a number', 42],
    ['another version', `01-${TRACE}-${SPAN}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['trailing text', `00-${TRACE}-${SPAN}-01-extra`],
  ])('ignores %s', (_case, traceparent) => {
    expect(spanContextOf({ traceparent })).toBeUndefined();
  });
});
