import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A JetStream `nats-server` of the benchmark's own: never the machine's shared one. */
export interface BenchNatsServer {
  readonly url: string;
  readonly version: string;
  destroy(): Promise<void>;
}

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? 'nats-server';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((settle) => server.close(settle));
  return typeof address === 'object' && address !== null ? address.port : 0;
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

async function versionOf(): Promise<string> {
  const child = spawn(NATS_SERVER, ['--version']);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await once(child, 'exit');
  return output.trim();
}

/**
 * Starts `nats-server -js` on a free loopback port with a temporary store directory (a copy of
 * test/support's, which imports vitest and so cannot run here).
 */
export async function startBenchNatsServer(): Promise<BenchNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(path.join(tmpdir(), 'strata-bench-nats-'));
  const child: ChildProcess = spawn(
    NATS_SERVER,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`nats-server is not listening on ${port}`);
    await new Promise((settle) => setTimeout(settle, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    version: await versionOf(),
    async destroy() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
