import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import { startServer, type ServerProcess } from '../support/strata-process.js';

interface ExportedSpan {
  readonly name: string;
  readonly traceId: string;
}

interface TraceRequest {
  readonly resourceSpans: {
    readonly resource: { readonly attributes: { key: string; value: { stringValue?: string } }[] };
    readonly scopeSpans: { readonly spans: ExportedSpan[] }[];
  }[];
}

/** An OTLP/HTTP collector on a free port of 127.0.0.1, keeping what it is sent. */
async function startCollector() {
  const requests: { path: string; body: TraceRequest }[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      requests.push({ path: request.url ?? '', body: JSON.parse(body) as TraceRequest });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('strata serve sends traces to the OTLP collector the OTEL_* variables name, and says so', async () => {
  const collector = await startCollector();
  cleanups.push(() => collector.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-traces-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server: ServerProcess = await startServer(['--data-dir', dataDir], {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  cleanups.push(() => server.stop());
  expect(server.output()).toContain(`Traces:     on: OTLP over HTTP to ${collector.url}/v1/traces`);

  const traceId = '5b8efff798038103d269b633813fc60c';
  const response = await fetch(`${server.url}/commands/identity.RegisterUser`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-eee19b7ec3c1b174-01`,
    },
    body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', name: 'Ada' }),
  });
  expect(response.status).toBe(200);

  const spansOfTrace = () =>
    collector.requests.flatMap(({ body }) =>
      body.resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) =>
          scope.spans.filter((span) => span.traceId === traceId),
        ),
      ),
    );
  const names = await readUntil(
    () => Promise.resolve(spansOfTrace().map((span) => span.name)),
    (found) => found.some((name) => name.startsWith('strata.subscriber projection:')),
    30_000,
  );
  expect(names).toEqual(
    expect.arrayContaining([
      'POST /commands/:name',
      'strata.command identity.RegisterUser',
      'strata.append',
    ]),
  );
  expect(collector.requests[0]?.path).toBe('/v1/traces');
  const serviceNames = collector.requests.flatMap(({ body }) =>
    body.resourceSpans.flatMap(({ resource }) =>
      resource.attributes
        .filter((attribute) => attribute.key === 'service.name')
        .map((attribute) => attribute.value.stringValue),
    ),
  );
  expect(new Set(serviceNames)).toEqual(new Set(['devpie']));
});

it('strata serve sends no traces without OTEL_* variables, says how to turn them on, and stops with a live tail open', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-traces-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServer(['--data-dir', dataDir]);
  cleanups.push(() => server.stop());
  expect(server.output()).toContain(
    'Traces:     off (set OTEL_EXPORTER_OTLP_ENDPOINT to send traces to a collector)',
  );
  expect(server.output()).toContain(`Metrics:    ${server.url}/metrics (Prometheus)`);
  expect(server.output()).toContain(`Dashboard:  ${server.url}/dashboard`);
  const dashboard = await fetch(`${server.url}/dashboard`);
  expect(dashboard.status).toBe(200);
  expect(await dashboard.text()).toContain('<h1>Overview</h1>');

  // A browser left on the live tail does not hold the server up when it stops.
  const tail = await fetch(`${server.url}/dashboard/tail/events`);
  expect(tail.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = tail.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  expect(new TextDecoder().decode((await reader.read()).value)).toContain(': tailing the log');
  expect(await server.stop()).toBe(0);
  expect(server.output()).toContain('Stopped.');
  expect((await reader.read()).done).toBe(true);
});
