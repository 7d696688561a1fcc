import { userInfo } from 'node:os';
import path from 'node:path';

/** The loopback ports of one throwaway Swift: the S3 proxy, its three storage servers, memcached. */
export interface SwiftPorts {
  readonly proxy: number;
  readonly account: number;
  readonly container: number;
  readonly object: number;
  readonly memcached: number;
}

/** What tempauth knows: the S3 access key is `<account>:<user>`, the secret the user's key. */
export const SWIFT_ACCOUNT = 'strata';
export const SWIFT_USER = 's3';
export const SWIFT_KEY = 'strata-secret';
/** s3api checks SigV4's credential scope against this. */
export const SWIFT_REGION = 'us-east-1';

/** The processes of one Swift, by name (the name of its log file too). */
export const SWIFT_PROCESSES = ['memcached', 'account', 'container', 'object', 'proxy'] as const;
export type SwiftProcess = (typeof SWIFT_PROCESSES)[number];

/** The storage servers, each a `swift-<kind>-server` with a one-device, one-replica ring. */
export const STORAGE_KINDS = ['account', 'container', 'object'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/**
 * Settings shared by every server: loopback only, one process (`workers = 0`, so a SIGKILL of
 * the pid ends the server), running as whoever runs the tests (Swift would otherwise switch to
 * the `swift` user, who cannot read the temp dir), `swift.conf` and rings from `<root>/etc` instead
 * of /etc/swift, and no syslog: there is no /dev/log here and Swift would fall back to UDP, so
 * it goes to the discard port and `-v` copies every line to the log file.
 */
function defaults(root: string, port: number): string {
  return [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${port}`,
    'workers = 0',
    `user = ${userInfo().username}`,
    `swift_dir = ${path.join(root, 'etc')}`,
    `devices = ${path.join(root, 'srv')}`,
    'mount_check = false',
    // The storage lives on whatever disk /tmp is: no space is held back for Swift.
    'disable_fallocate = true',
    'fallocate_reserve = 0',
    'log_udp_host = 127.0.0.1',
    'log_udp_port = 9',
  ].join('\n');
}

/** `swift.conf`: the hash salt and the single storage policy. */
export function swiftConf(): string {
  return [
    '[swift-hash]',
    'swift_hash_path_prefix = strata-test',
    'swift_hash_path_suffix = strata-test',
    '[storage-policy:0]',
    'name = Policy-0',
    'default = yes',
    '',
  ].join('\n');
}

/** The configuration of one storage server. */
export function storageConf(root: string, kind: StorageKind, port: number): string {
  return [
    defaults(root, port),
    '[pipeline:main]',
    `pipeline = ${kind}-server`,
    `[app:${kind}-server]`,
    `use = egg:swift#${kind}`,
    // Sections the server's start-up looks for; their daemons are never started.
    `[${kind}-replicator]`,
    `[${kind}-auditor]`,
    '',
  ].join('\n');
}

/**
 * The proxy: `s3api` in front of `tempauth` (which validates SigV4 with the user's key and keeps
 * its tokens in memcached, hence `cache`), `slo` for s3api's multipart uploads, and accounts
 * created on first use.
 */
export function proxyConf(root: string, ports: SwiftPorts): string {
  return [
    defaults(root, ports.proxy),
    '[pipeline:main]',
    'pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth ' +
      'copy slo dlo versioned_writes proxy-logging proxy-server',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'account_autocreate = true',
    '[filter:s3api]',
    'use = egg:swift#s3api',
    `location = ${SWIFT_REGION}`,
    '[filter:tempauth]',
    'use = egg:swift#tempauth',
    `user_${SWIFT_ACCOUNT}_${SWIFT_USER} = ${SWIFT_KEY} .admin`,
    '[filter:cache]',
    'use = egg:swift#memcache',
    `memcache_servers = 127.0.0.1:${ports.memcached}`,
    ...[
      'catch_errors',
      'gatekeeper',
      'proxy-logging',
      'listing_formats',
      'copy',
      'slo',
      'dlo',
      'versioned_writes',
    ].map((name) => `[filter:${name}]\nuse = egg:swift#${name.replace('-', '_')}`),
    '',
  ].join('\n');
}

/**
 * A Python program that writes the three rings (`<kind>.ring.gz` in `etcDir`), each one device
 * `d1` on its server's port, one replica, 2^6 partitions: what `swift-ring-builder create`,
 * `add` and `rebalance` do, in one interpreter instead of nine (each start costs ~0.4 s).
 */
export function ringBuilderProgram(etcDir: string, ports: SwiftPorts): string {
  const rings = STORAGE_KINDS.map((kind) => `(${JSON.stringify(kind)}, ${ports[kind]})`);
  return [
    'from swift.common.ring import RingBuilder',
    `for kind, port in [${rings.join(', ')}]:`,
    '    builder = RingBuilder(6, 1, 1)',
    "    builder.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port,",
    "                     'device': 'd1', 'weight': 1})",
    '    builder.rebalance()',
    `    builder.get_ring().save(${JSON.stringify(etcDir)} + '/' + kind + '.ring.gz')`,
  ].join('\n');
}

/**
 * The command line of each process of a Swift in `root`. memcached: `-U 0` no UDP listener;
 * `-u` because as root it refuses to start without being told whom to run as (ignored otherwise).
 * Swift's servers: `-v` copies their log to standard output (see `defaults`).
 */
export function swiftCommands(root: string, ports: SwiftPorts): Record<SwiftProcess, string[]> {
  const memcached = ['-l', '127.0.0.1', '-p', String(ports.memcached), '-U', '0', '-m', '16'];
  const server = (kind: StorageKind | 'proxy') => [
    `swift-${kind}-server`,
    path.join(root, 'etc', `${kind}-server.conf`),
    '-v',
  ];
  return {
    memcached: ['memcached', ...memcached, '-u', userInfo().username],
    account: server('account'),
    container: server('container'),
    object: server('object'),
    proxy: server('proxy'),
  };
}
