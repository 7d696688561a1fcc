import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { RUN_SOURCES } from './run-sources.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** The app a child serves unless told otherwise: `strata` has none built in. */
export const DEVPIE_APP = fileURLToPath(new URL('../../examples/devpie/app.ts', import.meta.url));

/**
 * The environment of a child `strata`: this process's, minus Strata's own settings (CI sets
 * DATABASE_URL, which would switch a PGlite test to PostgreSQL), plus the devpie example as
 * the app, plus `env`.
 */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !['DATABASE_URL', 'PORT', 'HOST'].includes(name) && !name.startsWith('STRATA_'),
    ),
  );
  return { ...inherited, STRATA_APP: DEVPIE_APP, ...env };
}

/** Starts the `strata` CLI from source with `args` and `env`, output piped. */
export function spawnStrata(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): ChildProcess {
  return spawn(process.execPath, [...RUN_SOURCES, MAIN, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the `strata` CLI from source with `args` and `env`; resolves with its output and exit code. */
export async function runStrata(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...RUN_SOURCES, MAIN, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((settle) => child.once('exit', settle));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A `strata serve` child process and the URL it serves. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM, then waits for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `strata serve --port 0` from source; resolves once it says where it serves. */
export async function startServer(
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...RUN_SOURCES, MAIN, 'serve', '--port', '0', ...args], {
    env: childEnv({ STRATA_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving \S+ at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`strata serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((settle) => child.once('exit', settle));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
