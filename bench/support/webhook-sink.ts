import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * The receivers of the webhook benchmark, in a process of their own (so they do not share the
 * event loop of what they measure): one HTTP server, an endpoint per path; paths under `/fail/`
 * answer 503, the others 204. `GET /count` says how many 2xx answers it gave; `POST /reset`
 * starts that count again.
 */
const SERVER = `
const http = require('node:http');
let delivered = 0;
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.url === '/count') return response.end(String(delivered));
    if (request.url === '/reset') { delivered = 0; return response.end(); }
    if (request.url.startsWith('/fail/')) return response.writeHead(503).end('down');
    delivered++;
    response.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface WebhookSink {
  readonly url: string;
  /** 2xx answers since the last reset. */
  delivered(): Promise<number>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${chunk.toString().trim()}`;
  return {
    url,
    delivered: async () => Number(await (await fetch(`${url}/count`)).text()),
    reset: async () => {
      await (await fetch(`${url}/reset`, { method: 'POST' })).text();
    },
    async close() {
      child.kill();
      await once(child, 'exit');
    },
  };
}
