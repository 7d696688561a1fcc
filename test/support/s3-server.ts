import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ListBucketsCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

import { freePort } from './nats-server.js';
import { PYTHON, endGroup, isRunning, launchInGroup } from './process-group.js';
import {
  STORAGE_KINDS,
  SWIFT_ACCOUNT,
  SWIFT_KEY,
  SWIFT_PROCESSES,
  SWIFT_REGION,
  SWIFT_USER,
  proxyConf,
  ringBuilderProgram,
  storageConf,
  swiftCommands,
  swiftConf,
  type SwiftPorts,
  type SwiftProcess,
} from './swift-config.js';

/** Whether Debian's Swift servers and memcached are on the PATH. */
export function swiftInstalled(): boolean {
  const binaries = [...STORAGE_KINDS, 'proxy'].map((kind) => `swift-${kind}-server`);
  return [...binaries, 'memcached'].every(
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
  /** Its temp dir: `srv/` the objects, `etc/` configuration and rings, `log/` each process's log. */
  readonly dir: string;
  /** Ends the S3 proxy with SIGKILL: an outage (the storage servers and the data stay). */
  kill(): Promise<void>;
  /** Stops the S3 proxy cleanly (SIGTERM). */
  stop(): Promise<void>;
  /** Starts whatever is not running again, same ports and data; resolves once S3 answers. */
  restart(): Promise<void>;
  /** Ends every process and deletes the temp dir; a no-op the second time. */
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
    // By default the SDK sends a body of unknown length (a stream) aws-chunked with an
    // x-amz-checksum-crc32 trailer, which Swift 2.30's s3api answers with 501 NotImplemented:
    // checksums only where an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

/** Five distinct free loopback ports (each free when asked). */
async function freePorts(): Promise<SwiftPorts> {
  const taken = new Set<number>();
  const distinct = async () => {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    return port;
  };
  return {
    proxy: await distinct(),
    account: await distinct(),
    container: await distinct(),
    object: await distinct(),
    memcached: await distinct(),
  };
}

/** Writes the configuration of a new Swift into `dir`. */
async function configure(dir: string, ports: SwiftPorts) {
  const etc = path.join(dir, 'etc');
  for (const sub of ['etc', 'srv/d1', 'log']) await mkdir(path.join(dir, sub), { recursive: true });
  await writeFile(path.join(etc, 'swift.conf'), swiftConf());
  await writeFile(path.join(etc, 'proxy-server.conf'), proxyConf(dir, ports));
  for (const kind of STORAGE_KINDS) {
    await writeFile(path.join(etc, `${kind}-server.conf`), storageConf(dir, kind, ports[kind]));
  }
}

/** Builds the rings, which only the proxy reads: the other servers may start meanwhile. */
async function buildRings(dir: string, ports: SwiftPorts) {
  const program = ringBuilderProgram(path.join(dir, 'etc'), ports);
  try {
    await promisify(execFile)(PYTHON, ['-c', program]);
  } catch (error) {
    throw new Error("building Swift's rings failed", { cause: error });
  }
}

const logTails = (dir: string) =>
  SWIFT_PROCESSES.map((name) => {
    const text = readFileSync(path.join(dir, 'log', `${name}.log`), 'utf8');
    return `--- ${name}.log\n${text.split('\n').slice(-15).join('\n')}`;
  }).join('\n');

/** Resolves once ListBuckets succeeds; fails early, with the logs' tails, if a process exits. */
async function untilServing(
  probe: S3Client,
  children: Map<SwiftProcess, ChildProcess>,
  dir: string,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await probe.send(new ListBucketsCommand({}));
      return;
    } catch (error) {
      const dead = [...children].find(([, child]) => !isRunning(child));
      if (dead !== undefined || Date.now() > deadline) {
        const why = dead === undefined ? 'no answer in 30 s' : `${dead[0]} exited`;
        throw new Error(`Swift's S3 did not start (${why}):\n${logTails(dir)}`, { cause: error });
      }
      await new Promise((settle) => setTimeout(settle, 100));
    }
  }
}

/** Starts a throwaway Swift with S3; resolves once an S3 request succeeds (about 4 s here). */
export async function startS3Server(): Promise<TestS3Server> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-s3-'));
  const ports = await freePorts();
  const commands = swiftCommands(dir, ports);
  const children = new Map<SwiftProcess, ChildProcess>();
  const server = {
    endpoint: `http://127.0.0.1:${ports.proxy}`,
    region: SWIFT_REGION,
    accessKeyId: `${SWIFT_ACCOUNT}:${SWIFT_USER}`,
    secretAccessKey: SWIFT_KEY,
    forcePathStyle: true as const,
    dir,
  };
  const probe = s3ClientFor(server, { maxAttempts: 1 });
  const startMissing = (names: readonly SwiftProcess[]) => {
    for (const name of names) {
      const child = children.get(name);
      if (child !== undefined && isRunning(child)) continue;
      children.set(name, launchInGroup(commands[name], path.join(dir, 'log', `${name}.log`)));
    }
  };
  const restart = async () => {
    startMissing(SWIFT_PROCESSES);
    await untilServing(probe, children, dir);
  };
  const destroy = async () => {
    probe.destroy();
    await Promise.all([...children.values()].map((child) => endGroup(child, 'SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await configure(dir, ports);
    startMissing(SWIFT_PROCESSES.filter((name) => name !== 'proxy'));
    await buildRings(dir, ports);
    await restart();
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    ...server,
    kill: () => endGroup(children.get('proxy'), 'SIGKILL'),
    stop: () => endGroup(children.get('proxy'), 'SIGTERM'),
    restart,
    destroy,
  };
}
