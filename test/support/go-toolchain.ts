import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { describeNeeding } from './describe-needing.js';

/** Where Debian's `golang-*-dev` packages put their sources: a GOPATH entry. */
const DEBIAN_GOCODE = '/usr/share/gocode';
const GO_NATS = path.join(DEBIAN_GOCODE, 'src/github.com/nats-io/nats.go');

const goInstalled = spawnSync('go', ['version']).status === 0;
const available = goInstalled && existsSync(GO_NATS);

/**
 * Builds the Go program in `sourceDir` to the executable `output` in GOPATH mode, against the
 * packages Debian installed (no module download: the machine has no access to the Go proxy).
 */
export async function buildGoProgram(sourceDir: string, output: string): Promise<void> {
  const gopath = [process.env.GOPATH, DEBIAN_GOCODE].filter(Boolean).join(path.delimiter);
  await promisify(execFile)('go', ['build', '-o', output, '.'], {
    cwd: sourceDir,
    env: { ...process.env, GO111MODULE: 'off', GOPATH: gopath },
    timeout: 170_000,
  });
}

/**
 * `describe` for suites that build Go programs with Debian's `golang-go` and
 * `golang-github-nats-io-go-nats-dev`: skipped with a loud warning when they are missing,
 * failed instead under CI=true (`.ci/run` installs both).
 */
export function describeWithGo(name: string, suite: () => void): void {
  const missing = goInstalled ? `the Go NATS client (${GO_NATS})` : 'the Go toolchain (`go`)';
  const problem = `${missing} is not installed (apt-get install golang-go golang-github-nats-io-go-nats-dev)`;
  describeNeeding(
    { what: 'Go and its NATS client', problem: available ? undefined : problem },
    name,
    suite,
  );
}
