import { SpanKind } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { GetUser, identityEvents, userDirectory } from '../../examples/devpie/identity/index.js';
import { app as identityService } from '../../examples/devpie-services/identity.js';
import { busReplica } from '../../examples/devpie-services/replica.js';
import { createSystem, defineApp, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgDriver, type SqlDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// The SDK as `strata serve` registers it, its spans kept in memory for the assertions.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

/** Another service reading identity's events from the bus into its own store. */
const replicaService = defineApp({
  name: 'replica',
  messages: [...identityEvents],
  commandHandlers: [],
  projections: [userDirectory],
  queries: [GetUser],
  busConsumers: [busReplica({ from: 'identity', durable: 'trace-users', events: identityEvents })],
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

const spansOf = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const named = (spans: readonly ReadableSpan[], name: string) =>
  spans.filter((span) => span.name === name);

function tracesSuite(kind: 'pglite' | 'pg') {
  const freshSchema = kind === 'pg' ? useFreshSchemas() : undefined;
  const stops: (() => Promise<void>)[] = [];
  let nats: TestNatsServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    nats = await startNatsServer();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await nats.destroy();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    exporter.reset();
  });

  const newDriver = async (): Promise<SqlDriver> =>
    freshSchema === undefined
      ? memoryPgliteDriver()
      : createPgDriver({ connectionString: TEST_DATABASE_URL, schema: freshSchema() });

  async function start(
    app: typeof devpie,
    withBus: boolean,
  ): Promise<{ system: StrataSystem; http: FastifyInstance }> {
    const system = await createSystem({
      app,
      driver: await newDriver(),
      webhooks: { refreshMs: 100 },
      ...(withBus ? { bus: { servers: nats.url } } : {}),
    });
    await system.start();
    const http = await buildGateway({ system });
    stops.push(async () => {
      await http.close();
      await system.stop();
    });
    return { system, http };
  }

  const register = (http: FastifyInstance, userId: string, traceparent: string) =>
    http.inject({
      method: 'POST',
      url: '/commands/identity.RegisterUser',
      headers: { traceparent },
      payload: { userId, email: `${userId}@example.com`, name: userId },
    });

  it('follows one command from the request to its append, each subscriber, and a consumer of the bus', async () => {
    const identity = await start(identityService, true);
    // The other service: it reads identity's events from the bus.
    await start(replicaService, true);
    const hook = await identity.http.inject({
      method: 'POST',
      url: '/webhooks/endpoints',
      payload: { url: `${receiver.url}/hooks` },
    });
    expect(hook.statusCode).toBe(201);

    const response = await register(identity.http, 'ada', `00-${TRACE_ID}-${CLIENT_SPAN}-01`);
    expect(response.statusCode).toBe(200);
    const done = (spans: ReadableSpan[]) =>
      named(spans, 'strata.subscriber bus:forwarder').length > 0 &&
      spans.filter((span) => span.name.startsWith('strata.subscriber effect:webhook:')).length >
        0 &&
      named(spans, 'strata.bus.consume identity.UserRegistered').length > 0 &&
      // The replica's own projection of the copied event, in the same trace.
      spans.filter((span) => span.name.startsWith('strata.subscriber projection:')).length >= 2;
    const spans = await readUntil(() => Promise.resolve(spansOf(TRACE_ID)), done, 45_000);

    const [request] = named(spans, 'POST /commands/:name');
    expect(request?.kind).toBe(SpanKind.SERVER);
    expect(parentOf(request!)).toBe(CLIENT_SPAN);
    const [command] = named(spans, 'strata.command identity.RegisterUser');
    expect(parentOf(command!)).toBe(request!.spanContext().spanId);
    const appends = named(spans, 'strata.append');
    const append = appends.find((span) => parentOf(span) === command!.spanContext().spanId);
    expect(append).toBeDefined();
    const appendId = append!.spanContext().spanId;

    // The event carries the append's trace context: every subscriber continues from it.
    const [event] = await identity.system.store.readStream('user-ada');
    expect(event?.metadata.traceparent).toBe(`00-${TRACE_ID}-${appendId}-01`);
    const batches = spans.filter(
      (span) => span.name.startsWith('strata.subscriber ') && parentOf(span) === appendId,
    );
    expect(batches.map((span) => span.attributes['strata.subscriber']).sort()).toEqual(
      expect.arrayContaining([
        'bus:forwarder',
        expect.stringMatching(/^projection:identity\.users/),
        expect.stringMatching(/^effect:webhook:/),
      ]),
    );
    for (const batch of batches) expect(batch.kind).toBe(SpanKind.CONSUMER);

    // The other service picks the trace up from the message's headers.
    const [consume] = named(spans, 'strata.bus.consume identity.UserRegistered');
    expect(consume?.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(consume!)).toBe(appendId);
    const copied = appends.find((span) => parentOf(span) === consume!.spanContext().spanId);
    expect(copied).toBeDefined();
    const replicaProjection = spans.find(
      (span) =>
        span.name.startsWith('strata.subscriber projection:') &&
        parentOf(span) === copied!.spanContext().spanId,
    );
    expect(replicaProjection).toBeDefined();
    expect(receiver.received).toHaveLength(1);
  });

  it('stores the trace context of an unsampled request too, and records none of its spans', async () => {
    const { system, http } = await start(devpie, false);
    const unsampled = 'a3ce929d0e0e47364bf92f3577b34da6';
    const response = await register(http, 'bob', `00-${unsampled}-${CLIENT_SPAN}-00`);
    expect(response.statusCode).toBe(200);
    const [event] = await system.store.readStream('user-bob');
    expect(event?.metadata.traceparent).toMatch(new RegExp(`^00-${unsampled}-[0-9a-f]{16}-00$`));
    const projection = system.projections.subscribersOf('identity.users')[0]!;
    const position = response.json<{ position: number }>().position;
    const cursor = (await system.store.cursorAt(position))!;
    expect(await system.engine.waitUntilCaughtUp(projection, cursor, 45_000)).toBe(true);
    expect(spansOf(unsampled)).toEqual([]);
  });

  it('links a batch of events from several traces to each of them', async () => {
    const { system } = await start(devpie, false);
    // Two appends, each its own trace, committed together: the projection reads one batch.
    await system.store.transaction(async (tx) => {
      for (const userId of ['link0', 'link1']) {
        await tx.appendToStream(`user-${userId}`, [
          {
            type: 'identity.UserRegistered',
            data: {
              userId,
              email: `${userId}@example.com`,
              name: userId,
              registeredAt: new Date().toISOString(),
            },
          },
        ]);
      }
    });
    const traces = await Promise.all(
      ['user-link0', 'user-link1'].map(async (streamId) => {
        const [event] = await system.store.readStream(streamId);
        return String(event?.metadata.traceparent).split('-')[1];
      }),
    );
    expect(new Set(traces).size).toBe(2);
    const linked = await readUntil(
      () =>
        Promise.resolve(
          exporter
            .getFinishedSpans()
            .filter(
              (span) =>
                span.name.startsWith('strata.subscriber projection:') && span.links.length > 0,
            ),
        ),
      (found) => found.length > 0,
      45_000,
    );
    expect(linked[0]!.links.map((link) => link.context.traceId).sort()).toEqual(traces.sort());
    expect(traces).not.toContain(linked[0]!.spanContext().traceId);
    expect(parentOf(linked[0]!)).toBeUndefined();
  });
}

describeWithNats('traces on PGlite', () => {
  tracesSuite('pglite');
});

describePostgres('traces on PostgreSQL', () => {
  describeWithNats('with NATS', () => {
    tracesSuite('pg');
  });
});
