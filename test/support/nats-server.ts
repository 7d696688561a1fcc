import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { untilExit } from './child-process.js';

/** The `nats-server` binary: NATS_SERVER_BIN, else the one on the PATH (Debian: /usr/sbin). */
export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? 'nats-server';
/** What `nats-server --version` prints (`nats-server: v2.9.10`), or `undefined` without one. */
export function natsServerVersion(): string | undefined {
  const run = spawnSync(NATS_SERVER, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/**
 * A `nats-server -js` of a test's own, on a free loopback port with its own store directory:
 * tests (and benchmarks) may kill and restart it; the machine's shared server is never touched.
 * No vitest here: `npm run bench` uses it too.
 */
export interface TestNatsServer {
  readonly port: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its JetStream store directory. */
  readonly storeDir: string;
  /** Ends it at once with SIGKILL, as a crash would (unflushed writes may be lost). */
  kill(): Promise<void>;
  /** Stops it cleanly (SIGTERM). */
  stop(): Promise<void>;
  /** Starts it again on the same port and store after `kill` or `stop`. */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (free when asked; the server takes it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });

async function untilListening(port: number, child: ChildProcess, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nats-server on port ${port} exited (${child.exitCode ?? child.signalCode})`);
    }
    if (Date.now() > deadline) throw new Error(`nats-server is not listening on ${port}`);
    await new Promise((settle) => setTimeout(settle, 50));
  }
}

/** Starts a JetStream-enabled `nats-server` of the test's own; `extraArgs` go to it as given. */
export async function startNatsServer(extraArgs: readonly string[] = []): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(path.join(tmpdir(), 'strata-nats-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn(
      NATS_SERVER,
      ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...extraArgs],
      { stdio: 'ignore' },
    );
    child = started;
    await untilListening(port, started);
  };
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = untilExit(running, 15_000);
    running.kill(signal);
    await exited;
  };
  await launch();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    restart: launch,
    async destroy() {
      await end('SIGKILL');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
