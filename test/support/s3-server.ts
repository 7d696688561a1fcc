import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

import { ListBucketsCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

import { untilExit } from './child-process.js';
import { freePort } from './nats-server.js';
import {
  STORAGE_KINDS,
  SWIFT_ACCOUNT,
  SWIFT_KEY,
  SWIFT_REGION,
  SWIFT_USER,
  proxyConf,
  ringBuilderProgram,
  storageConf,
  swiftConf,
  type SwiftPorts,
} from './swift-config.js';

/** Debian's Python, which has Swift's modules (another python3 may come first on the PATH). */
const PYTHON = '/usr/bin/python3';
/** The proxy's binary; its presence is what "Swift is installed" means here. */
export const SWIFT_PROXY = 'swift-proxy-server';
/** Whether Debian's Swift (with s3api) and memcached are on the PATH. */
export function swiftInstalled(): boolean {
  return ['swift-proxy-server', 'swift-object-server', 'memcached'].every(
    (binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0,
  );
}

/**
 * A throwaway OpenStack Swift speaking S3 (its `s3api` middleware) on a free loopback port, with
 * its storage, rings and memcached in a temp dir of its own. No vitest here: the hand-run
 * `scripts/s3-server.js` starts one too.
 */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Swift serves buckets as paths only. */
  readonly forcePathStyle: true;
  /** Its temp dir: `srv/` the objects, `etc/` configuration and rings, `log/` each server's log. */
  readonly dir: string;
  /** Ends the S3 proxy with SIGKILL: an outage (the storage servers and the data stay). */
  kill(): Promise<void>;
  /** Stops the S3 proxy cleanly (SIGTERM). */
  stop(): Promise<void>;
  /** Starts whatever is not running again, on the same ports and data; resolves once S3 answers. */
  restart(): Promise<void>;
  /** Stops every process and deletes the temp dir. */
  destroy(): Promise<void>;
}

/** What a client needs to reach a `TestS3Server`. */
export type S3Endpoint = Pick<
  TestS3Server,
  'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'forcePathStyle'
>;

/** An S3 client for `server`: path-style, its credentials; `overrides` win. */
export function s3ClientFor(server: S3Endpoint, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: server.forcePathStyle,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    // Swift 2.30's s3api rejects the SDK's default flexible checksums (aws-chunked bodies with
    // an x-amz-checksum-* trailer): send and check them only where an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

/**
 * Every server runs in a process group of its own (killed as a group) and, through this Python
 * preamble, gets SIGKILL from the kernel if the process that started it dies
 * (PR_SET_PDEATHSIG): a crashed test worker leaves no Swift behind.
 */
const DIE_WITH_PARENT = [
  'import ctypes, os, sys',
  'ctypes.CDLL(None).prctl(1, 9)',
  'if os.getppid() != int(sys.argv[1]): sys.exit(1)',
  'os.execvp(sys.argv[2], sys.argv[2:])',
].join('\n');

/** Process groups still running, killed synchronously if the test process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function launch(command: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(PYTHON, ['-c', DIE_WITH_PARENT, String(process.pid), ...command], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function end(child: ChildProcess | undefined, signal: NodeJS.Signals) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = untilExit(child, 15_000);
  killGroup(child, signal);
  await exited;
}

/** Resolves once ListBuckets succeeds; fails early, with the logs' tails, if a server exits. */
async function untilServing(client: S3Client, children: () => ChildProcess[], logDir: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListBucketsCommand({}));
      return;
    } catch (error) {
      const dead = children().find((child) => child.exitCode !== null || child.signalCode);
      if (dead !== undefined || Date.now() > deadline) {
        const logs = ['proxy', ...STORAGE_KINDS, 'memcached'].map((name) => {
          const text = readFileSync(path.join(logDir, `${name}.log`), 'utf8');
          return `--- ${name}.log\n${text.split('\n').slice(-15).join('\n')}`;
        });
        const why =
          dead === undefined
            ? 'no answer in 30 s'
            : `a server exited (${dead.spawnargs.join(' ')})`;
        throw new Error(`Swift's S3 did not start: ${why}\n${logs.join('\n')}`, { cause: error });
      }
      await new Promise((settle) => setTimeout(settle, 100));
    }
  }
}

/** Writes the configuration and rings of a new Swift into `dir`. */
async function configure(dir: string, ports: SwiftPorts) {
  const etc = path.join(dir, 'etc');
  await Promise.all(
    ['etc', 'srv/d1', 'log'].map((sub) => mkdir(path.join(dir, sub), { recursive: true })),
  );
  await writeFile(path.join(etc, 'swift.conf'), swiftConf());
  await writeFile(path.join(etc, 'proxy-server.conf'), proxyConf(dir, ports));
  for (const kind of STORAGE_KINDS) {
    await writeFile(path.join(etc, `${kind}-server.conf`), storageConf(dir, kind, ports[kind]));
  }
  const rings = spawnSync(PYTHON, ['-c', ringBuilderProgram(etc, ports)], { encoding: 'utf8' });
  if (rings.status !== 0) throw new Error(`building Swift's rings failed:\n${rings.stderr}`);
}

/** Starts a throwaway Swift with S3; resolves once an S3 request succeeds (about 2 s here). */
export async function startS3Server(): Promise<TestS3Server> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-s3-'));
  const ports: SwiftPorts = {
    proxy: await freePort(),
    account: await freePort(),
    container: await freePort(),
    object: await freePort(),
    memcached: await freePort(),
  };
  const etc = path.join(dir, 'etc');
  const logDir = path.join(dir, 'log');
  const children = new Map<string, ChildProcess>();
  const commands: Record<string, string[]> = {
    // -U 0: no UDP listener; -u: memcached refuses to run as root without being told whom to be.
    memcached: [
      'memcached',
      '-l',
      '127.0.0.1',
      '-p',
      String(ports.memcached),
      '-U',
      '0',
      '-m',
      '16',
      '-u',
      userInfo().username,
    ],
    ...Object.fromEntries(
      STORAGE_KINDS.map((kind) => [
        kind,
        [`swift-${kind}-server`, path.join(etc, `${kind}-server.conf`), '-v'],
      ]),
    ),
    proxy: [SWIFT_PROXY, path.join(etc, 'proxy-server.conf'), '-v'],
  };
  const server = {
    endpoint: `http://127.0.0.1:${ports.proxy}`,
    region: SWIFT_REGION,
    accessKeyId: `${SWIFT_ACCOUNT}:${SWIFT_USER}`,
    secretAccessKey: SWIFT_KEY,
    forcePathStyle: true as const,
    dir,
  };
  const probe = s3ClientFor(server, { maxAttempts: 1 });
  const startMissing = async () => {
    for (const [name, command] of Object.entries(commands)) {
      const child = children.get(name);
      if (child !== undefined && child.exitCode === null && child.signalCode === null) continue;
      children.set(name, launch(command, path.join(logDir, `${name}.log`)));
    }
    await untilServing(probe, () => [...children.values()], logDir);
  };
  const stopAll = async () => {
    await Promise.all([...children.values()].map((child) => end(child, 'SIGKILL')));
  };
  try {
    await configure(dir, ports);
    await startMissing();
  } catch (error) {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...server,
    kill: () => end(children.get('proxy'), 'SIGKILL'),
    stop: () => end(children.get('proxy'), 'SIGTERM'),
    restart: startMissing,
    async destroy() {
      probe.destroy();
      await stopAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
