// `npm run start:services [-- --base-port N]`: devpie as three services, Identity on :3001,
// Projects on :3002 and Estimation on :3003 (N, N + 1, N + 2), each a `strata serve` process
// with a store of its own (PGlite in ./.strata-services/<service>, or the PostgreSQL schema
// <service> with DATABASE_URL), integrated only over NATS (NATS_URL, default
// nats://127.0.0.1:4222), which must be running.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';

import { buildIfStale, root } from './build-if-stale.js';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** `--base-port N` (Identity on N, Projects on N + 1, Estimation on N + 2); default 3001. */
function basePort(args) {
  const at = args.findIndex((arg) => arg === '--base-port' || arg.startsWith('--base-port='));
  if (at === -1) return 3001;
  const text = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_533) {
    process.stderr.write(`--base-port must be a whole number from 1 to 65533, not ${text}\n`);
    process.exit(2);
  }
  return port;
}

const base = basePort(process.argv.slice(2));
const services = [
  ['identity', base],
  ['projects', base + 1],
  ['estimation', base + 2],
];

const first = new URL(natsUrl.split(',')[0].trim());
const reachable = await new Promise((resolve) => {
  const socket = connect(Number(first.port || 4222), first.hostname);
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
});
if (!reachable) {
  process.stderr.write(
    `start:services needs NATS: no server answers at ${natsUrl}.\n` +
      'Start one with JetStream (`nats-server -js`) or set NATS_URL, then try again.\n',
  );
  process.exit(1);
}

// Built when the sources are newer than the build, as `npm start` does.
buildIfStale('dist/examples/devpie-services/identity.js');

const children = services.map(([name, port]) => {
  const store = process.env.DATABASE_URL
    ? ['--schema', name]
    : ['--data-dir', path.join(root, '.strata-services', name)];
  const app = path.join(root, `dist/examples/devpie-services/${name}.js`);
  const args = ['serve', '--app', app, '--port', String(port), ...store];
  const child = spawn(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args], {
    env: { ...process.env, NATS_URL: natsUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    from.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        to.write(`[${name}] ${line}\n`);
    });
  }
  return child;
});

let code = 0;
let stopping = false;
const stopAll = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.once('SIGINT', () => stopAll('SIGINT'));
process.once('SIGTERM', () => stopAll('SIGTERM'));
await Promise.all(
  children.map(
    (child) =>
      new Promise((resolve) =>
        child.once('exit', (exitCode) => {
          // One service gone ends the others: a system missing a service is not running.
          if (exitCode !== 0) code = exitCode ?? 1;
          stopAll('SIGTERM');
          resolve();
        }),
      ),
  ),
);
process.exit(code);
