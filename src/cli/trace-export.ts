import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Trace export as `strata serve` set it up from the `OTEL_*` variables. */
export interface TraceExport {
  /** The banner's words: where spans go, or why they go nowhere. */
  readonly description: string;
  /** Sends the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Which exporter the standard variables ask for: `OTEL_TRACES_EXPORTER` (`otlp`, `console`,
 * `none`), or OTLP when only an OTLP endpoint is given; none when the SDK is disabled.
 */
function exporterAskedFor(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim().toLowerCase();
  if (named !== undefined && named !== '') return named === 'none' ? undefined : named;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint === undefined || endpoint === '' ? undefined : 'otlp';
}

/** Where OTLP spans go: the exporter reads the same variables (endpoint, headers, timeout). */
function otlpTarget(env: Env): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces !== '') return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
  return `${base.replace(/\/$/, '')}/v1/traces`;
}

function exporterFor(name: string, env: Env): { exporter: SpanExporter; description: string } {
  if (name === 'console') {
    return { exporter: new ConsoleSpanExporter(), description: 'on: spans printed to stdout' };
  }
  if (name !== 'otlp') {
    throw new Error(
      `OTEL_TRACES_EXPORTER=${name} is not supported by strata serve (use otlp, console or none)`,
    );
  }
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const note =
    protocol === undefined || protocol === 'http/json' ? '' : ` (as http/json, not ${protocol})`;
  return {
    exporter: new OTLPTraceExporter(),
    description: `on: OTLP over HTTP to ${otlpTarget(env)}${note}`,
  };
}

/**
 * Registers OpenTelemetry's Node SDK when the `OTEL_*` variables ask for an exporter: spans of
 * `serviceName` (unless `OTEL_SERVICE_NAME` names another) batched to it, the W3C propagator
 * and an async-context manager installed globally. Without such variables nothing is
 * registered and Strata's spans stay no-ops.
 */
export function startTraceExport(serviceName: string, env: Env = process.env): TraceExport {
  const name = exporterAskedFor(env);
  if (name === undefined) {
    return {
      description: 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to send traces to a collector)',
      shutdown: () => Promise.resolve(),
    };
  }
  const { exporter, description } = exporterFor(name, env);
  // The service name from OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES wins over the app's.
  const resource = resourceFromAttributes({ 'service.name': serviceName }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { description, shutdown: () => provider.shutdown() };
}
