import { runCli } from '../../src/cli/program.js';

/** What a run of the CLI printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `strata` CLI in this process with `args` and only the settings in `env` (not this
 * process's: CI sets DATABASE_URL). For tests about what a command does; a test about the
 * process itself (signals, locks held by another process, exiting) starts one instead
 * (strata-process.ts).
 */
export async function runStrataInProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}
