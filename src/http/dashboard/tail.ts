import type { FastifyInstance } from 'fastify';

import { encodeCursor, LOG_START, type Cursor, type SqlExecutor } from '../../store/index.js';
import type { DashboardContext } from './context.js';
import { eventTable } from './event-table.js';
import { html } from './html.js';
import { page } from './layout.js';

/** How often the tail looks for events no commit notice announced (another process's). */
const POLL_MS = 1_000;
/** A comment now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

// The last event a reader may pass now (see the log's visibility rule): the tail starts after it.
const READABLE_END = `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
  FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
  ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

async function readableEnd(sql: SqlExecutor): Promise<Cursor> {
  const [row] = await sql.query<{ transaction_id: string; global_position: string }>(READABLE_END);
  return row === undefined ? LOG_START : encodeCursor(row.transaction_id, row.global_position);
}

/**
 * `/dashboard/tail`: the log as it grows. The page opens `/dashboard/tail/events`, a stream of
 * server-sent events (`append`, one per event) read in the log's order from where it connected,
 * woken by commit notices and polling for other processes' commits.
 */
export function tailPages(context: DashboardContext, app: FastifyInstance): void {
  const { system } = context;
  // Open tails end when the server closes, or closing would wait for browsers to hang up.
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get('/dashboard/tail', async (request, reply) => {
    const frame = context.frame(request, reply);
    const latest = (await context.log.latest()).slice(0, 50);
    const body = html`<p>Live: <span id="tail-status" class="muted">connecting…</span></p>
      ${eventTable(latest, undefined, 'tail')}`;
    return context.send(reply, page(frame, 'tail', 'Live tail', body));
  });

  app.get('/dashboard/tail/events', async (request, reply) => {
    let cursor = await readableEnd(system.store.driver);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-request-id': request.id,
    });
    out.write(': tailing the log\n\n');
    let closed = false;
    let reading = false;
    let again = false;
    async function readNew(): Promise<void> {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const pageRead = await system.store.readPage(cursor, { limit: 500 });
          for (const { event } of pageRead.entries) {
            const data = {
              id: event.id,
              type: event.type,
              streamId: event.streamId,
              streamVersion: event.streamVersion,
              globalPosition: event.globalPosition,
              recordedAt: event.recordedAt.toISOString(),
            };
            out.write(`event: append\ndata: ${JSON.stringify(data)}\n\n`);
          }
          cursor = pageRead.end;
          if (pageRead.entries.length === 500) again = true;
        } while (again && !closed);
      } catch (error) {
        request.log.warn({ err: error }, 'dashboard tail could not read the log');
      } finally {
        reading = false;
      }
    }
    const unsubscribe = system.store.onCommit(() => void readNew());
    const poll = setInterval(() => void readNew(), POLL_MS);
    const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS);
    const end = () => {
      if (closed) return;
      closed = true;
      open.delete(end);
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      out.end();
    };
    open.add(end);
    request.raw.on('close', end);
    await readNew();
  });
}
