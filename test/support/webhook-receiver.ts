import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a receiver got: headers, raw body (what signatures cover) and when. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** How a receiver answers a request: a status, after a delay (longer than a timeout: none). */
export interface Answer {
  readonly status: number;
  readonly delayMs?: number;
}

/** A real HTTP server on loopback that records each request and answers as `answer` says. */
export async function startWebhookReceiver(
  answer: (request: ReceivedWebhook, index: number) => Answer = () => ({ status: 204 }),
) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const webhook = {
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(webhook);
      const { status, delayMs = 0 } = answer(webhook, received.length - 1);
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(status).end(status < 300 ? '' : 'refused');
      }, delayMs).unref();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** The event ids of the requests so far, in arrival order. */
    ids: () => received.map((webhook) => String(webhook.headers['webhook-id'])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
