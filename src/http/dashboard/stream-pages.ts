import type { FastifyInstance } from 'fastify';

import type { DashboardContext } from './context.js';
import { html, json, segment } from './html.js';
import { eventTable } from './event-table.js';
import { page, table } from './layout.js';
import { lineageOf } from './lineage.js';

const searchForm = (value: string) =>
  html`<form method="get" action="/dashboard/streams">
    <input
      type="search"
      name="q"
      value="${value}"
      size="50"
      placeholder="stream id (or its start), event type, event id or correlation id"
    />
    <button type="submit">Search</button>
  </form>`;

/** `GET /dashboard/streams`: categories, search; a stream's events; an event with its lineage. */
export function streamPages(context: DashboardContext, app: FastifyInstance): void {
  const { log } = context;

  app.get('/dashboard/streams', async (request, reply) => {
    const { q = '', category } = request.query as { q?: string; category?: string };
    const frame = context.frame(request, reply);
    if (q !== '') {
      const found = await log.search(q);
      const body = html`${searchForm(q)}
        <h2>Events matching “${q}”</h2>
        ${eventTable(found, 'Nothing matches.')}`;
      return context.send(reply, page(frame, 'streams', 'Streams', body));
    }
    if (category !== undefined) {
      const streams = await context.system.store.listStreams({ category, limit: 200 });
      const rows = streams.map(
        (stream) =>
          html`<tr>
            <td><a href="/dashboard/streams/${segment(stream.streamId)}">${stream.streamId}</a></td>
            <td class="num">${stream.version}</td>
            <td>${stream.lastRecordedAt.toISOString()}</td>
          </tr>`,
      );
      const body = html`${searchForm('')}
        <h2>Category ${category}</h2>
        ${table(['Stream', 'Version', 'Last event'], rows, 'No streams.')}`;
      return context.send(reply, page(frame, 'streams', 'Streams', body));
    }
    const categories = await log.categories();
    const rows = categories.map(
      (row) =>
        html`<tr>
          <td>
            <a href="/dashboard/streams?category=${segment(row.category)}">${row.category}</a>
          </td>
          <td class="num">${row.streams}</td>
          <td class="num">${row.events}</td>
          <td>${new Date(row.last).toISOString()}</td>
        </tr>`,
    );
    const body = html`${searchForm('')}
      <h2>Categories</h2>
      ${table(['Category', 'Streams', 'Events', 'Last event'], rows, 'The log is empty.')}
      <h2>Latest events</h2>
      ${eventTable(await log.latest(), 'The log is empty.')}`;
    return context.send(reply, page(frame, 'streams', 'Streams', body));
  });

  app.get<{ Params: { id: string } }>('/dashboard/streams/:id', async (request, reply) => {
    const events = await log.stream(request.params.id);
    const body = html`${searchForm('')}${eventTable(events, 'No events in this stream.')}`;
    const frame = context.frame(request, reply);
    return context.send(reply, page(frame, 'streams', `Stream ${request.params.id}`, body));
  });

  app.get<{ Params: { id: string } }>('/dashboard/events/:id', async (request, reply) => {
    const frame = context.frame(request, reply);
    const event = await log.event(request.params.id);
    if (event === undefined) {
      void reply.code(404);
      return context.send(
        reply,
        page(frame, 'streams', 'No such event', html`<p>No event has id ${request.params.id}.</p>`),
      );
    }
    const correlation =
      typeof event.metadata.correlationId === 'string' ? event.metadata.correlationId : undefined;
    const conversation = correlation === undefined ? [event] : await log.correlated(correlation);
    const lineage = lineageOf(event, conversation);
    const body = html`<dl class="facts">
        <dt>Id</dt>
        <dd><code>${event.id}</code></dd>
        <dt>Stream</dt>
        <dd>
          <a href="/dashboard/streams/${segment(event.streamId)}">${event.streamId}</a> version
          ${event.streamVersion}
        </dd>
        <dt>Position</dt>
        <dd>${event.globalPosition}</dd>
        <dt>Schema version</dt>
        <dd>${event.schemaVersion}</dd>
        <dt>Recorded</dt>
        <dd>${event.recordedAt.toISOString()}</dd>
        <dt>Command</dt>
        <dd><code>${event.metadata.commandId ?? '—'}</code></dd>
        <dt>Correlation</dt>
        <dd>
          ${correlation === undefined ? '—' : html`<a href="/dashboard/streams?q=${segment(correlation)}"><code>${correlation}</code></a>`}
        </dd>
      </dl>
      <h2>Data</h2>
      <pre id="event-data">${json(event.data)}</pre>
      <h2>Metadata</h2>
      <pre>${json(event.metadata)}</pre>
      <h2>Lineage</h2>
      <section id="lineage">
        <h3>Caused by</h3>
        ${eventTable(lineage.causes, 'A command from outside (no event caused it).')}
        <h3>Appended with it (the same command)</h3>
        ${eventTable(lineage.siblings, 'Nothing else.')}
        <h3>What it caused</h3>
        ${eventTable(lineage.effects, 'No command caused by this event has appended anything.')}
        <h3>The whole conversation (correlation ${correlation ?? '—'})</h3>
        ${eventTable(conversation, 'Only this event.')}
      </section>`;
    return context.send(reply, page(frame, 'streams', event.type, body));
  });
}
