import type { FastifyInstance } from 'fastify';

import { ARCHIVER_SUBSCRIBER } from '../../lake/index.js';
import { listEndpoints, summarizeAttempts, webhookSubscriberName } from '../../reactors/index.js';
import type { SubscriberStatus } from '../../subscriptions/index.js';
import type { DashboardContext } from './context.js';
import { checkpoint, html, json, segment } from './html.js';
import { page, table } from './layout.js';

/** The facts of a subscriber that carries a part (the forwarder, the archiver). */
const subscriberFacts = (status: SubscriberStatus | undefined) =>
  status === undefined
    ? ''
    : html`<dt>Subscriber</dt>
        <dd>
          ${status.name}: ${status.state}, ${status.lagEvents} events
          (${status.lagSeconds.toFixed(1)} s) behind, ${status.parked} parked
        </dd>
        <dt>Checkpoint</dt>
        <dd>${checkpoint(status.cursor)}</dd>`;

/** `/dashboard/bus`, `/lake`, `/webhooks` (when those are on) and `/schemas`. */
export function partPages(context: DashboardContext, app: FastifyInstance): void {
  const { system } = context;
  const statusOf = async (name: string) =>
    (await system.engine.status()).find((status) => status.name === name);

  app.get('/dashboard/bus', async (request, reply) => {
    const frame = context.frame(request, reply);
    const bus = system.bus;
    const body =
      bus === undefined
        ? html`<p>The bus is off: set NATS_URL to publish every event to NATS JetStream.</p>`
        : html`<dl class="facts">
            <dt>Stream</dt>
            <dd>${bus.stream.name} (${bus.stream.subjects})</dd>
            <dt>Servers</dt>
            <dd>${bus.status().servers.join(', ')}</dd>
            <dt>Connected</dt>
            <dd class="${bus.status().connected ? 'good' : 'bad'}">
              ${bus.status().connected ? 'yes' : 'no'}
            </dd>
            <dt>Stream tail</dt>
            <dd>
              ${bus.status().tail === undefined ? '—' : `sequence ${bus.status().tail?.lastSeq}`}
            </dd>
            <dt>Last error</dt>
            <dd class="bad">${bus.status().lastError ?? '—'}</dd>
            ${subscriberFacts(await statusOf(bus.subscriber.name))}
          </dl>`;
    return context.send(reply, page(frame, 'bus', 'Bus', body));
  });

  app.get('/dashboard/lake', async (request, reply) => {
    const frame = context.frame(request, reply);
    const lake = system.lake?.status();
    const body =
      lake === undefined
        ? html`<p>The lake is off: set STRATA_LAKE to a directory or s3://bucket/prefix.</p>`
        : html`<dl class="facts">
            <dt>Location</dt>
            <dd>${lake.location}</dd>
            <dt>Archived to</dt>
            <dd><code>${lake.archivedTo ?? '—'}</code></dd>
            <dt>Last error</dt>
            <dd class="bad">${lake.lastError ?? '—'}</dd>
            ${subscriberFacts(await statusOf(system.lake?.subscriber.name ?? ARCHIVER_SUBSCRIBER))}
          </dl>`;
    return context.send(reply, page(frame, 'lake', 'Lake', body));
  });

  app.get('/dashboard/webhooks', async (request, reply) => {
    const frame = context.frame(request, reply);
    const endpoints = await listEndpoints(system.store.driver);
    const rows = await Promise.all(
      endpoints.map(async (endpoint) => {
        const subscriber = webhookSubscriberName(endpoint.id);
        const summary = await summarizeAttempts(system.store.driver, subscriber);
        return html`<tr>
          <td><code>${endpoint.id}</code></td>
          <td>${endpoint.url}</td>
          <td>${endpoint.eventTypes?.join(', ') ?? 'every event'}</td>
          <td class="${endpoint.enabled ? 'good' : 'bad'}">
            ${endpoint.enabled ? 'enabled' : `disabled: ${endpoint.disabledReason ?? ''}`}
          </td>
          <td class="num">${summary.delivered}</td>
          <td class="num">${summary.failedAttempts}</td>
          <td class="bad">${summary.lastError?.message}</td>
          <td><a href="/dashboard/parked?subscriber=${segment(subscriber)}">parked</a></td>
        </tr>`;
      }),
    );
    const body = table(
      ['Endpoint', 'URL', 'Events', 'State', 'Delivered', 'Failed attempts', 'Last error', ''],
      rows,
      'No webhook endpoints: register one with POST /webhooks/endpoints or strata webhooks add.',
    );
    return context.send(reply, page(frame, 'webhooks', 'Webhooks', body));
  });

  app.get('/dashboard/schemas', async (request, reply) => {
    const frame = context.frame(request, reply);
    const sections = system.registry.list().map(
      (message) =>
        html`<details>
          <summary>
            ${message.kind}
            <strong>${message.name}</strong>
            v${message.version}${message.description === undefined ? '' : ` — ${message.description}`}
          </summary>
          <pre>${json(message.schema)}</pre>
          ${
            message.result === undefined
              ? ''
              : html`<p>Answer:</p>
                  <pre>${json(message.result)}</pre>`
          }
        </details>`,
    );
    return context.send(reply, page(frame, 'schemas', 'Schemas', html`${sections}`));
  });
}
