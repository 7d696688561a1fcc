import { createServer, connect, type Socket } from 'node:net';

/** A loopback TCP proxy a test can cut, as a hung process or a network partition would. */
export interface TcpProxy {
  /** `nats://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /**
   * Stops forwarding both ways, bytes dropped, connections left open: the server still counts
   * the client as connected (until its pings go unanswered) but nothing reaches either side.
   */
  cut(): void;
  /** Closes every connection and the listener: the client is gone for good. */
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `127.0.0.1:targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset while closing is what the test asks for, not a failure.
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => {
        if (!cut) to.write(chunk);
      });
      from.on('close', () => to.destroy());
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `nats://127.0.0.1:${port}`,
    cut() {
      cut = true;
    },
    async close() {
      const closed = new Promise<void>((settle) => {
        server.close(() => {
          settle();
        });
      });
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
