import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { collectOutput, untilExit, untilPrinted } from './child-process.js';
import { RUN_SOURCES } from './run-sources.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** The app a child serves unless told otherwise: `strata` has none built in. */
export const DEVPIE_APP = fileURLToPath(new URL('../../examples/devpie/app.ts', import.meta.url));
/** Longer than serve's own shutdown limit (10 s): a server still running then hangs for good. */
const STOP_TIMEOUT_MS = 20_000;

/**
 * The environment of a child `strata`: this process's, minus Strata's own settings (CI sets
 * DATABASE_URL, which would switch a PGlite test to PostgreSQL; NATS_URL would reach a shared
 * nats-server; OTEL_* would send traces elsewhere), plus the devpie example as
 * the app, plus `env`.
 */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !['DATABASE_URL', 'NATS_URL', 'PORT', 'HOST'].includes(name) &&
        !name.startsWith('STRATA_') &&
        !name.startsWith('OTEL_'),
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

/**
 * Runs the `strata` CLI from source with `args` and `env`; resolves with its output and exit
 * code, rejects if it has not exited within `timeoutMs`.
 */
export async function runStrata(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnStrata(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await untilExit(child, timeoutMs);
  return { code, stdout, stderr };
}

/** A `strata serve` child process and the URL it serves. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM, then waits for a clean exit; resolves with the exit code, rejects if it hangs. */
  stop(): Promise<number | null>;
}

/**
 * Starts `strata serve --port 0` from source; resolves once it says where it serves, rejects
 * with its output if it exits or says nothing in time.
 */
export async function startServer(
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...RUN_SOURCES, MAIN, 'serve', '--port', '0', ...args], {
    env: childEnv({ STRATA_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  let url: string | undefined;
  try {
    [, url] = await untilPrinted(child, output, /serving \S+ at (http:\/\/\S+)/);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: url!,
    child,
    output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = untilExit(child, STOP_TIMEOUT_MS);
      child.kill('SIGTERM');
      return exited;
    },
  };
}
