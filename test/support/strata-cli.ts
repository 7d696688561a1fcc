import { runCli } from '../../src/cli/program.js';
import { DEVPIE_APP } from './strata-process.js';

/** What a `strata` run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Whether a variable is one of Strata's settings, which a run must not inherit. */
const isStrataSetting = (name: string) =>
  ['DATABASE_URL', 'PORT', 'HOST'].includes(name) || name.startsWith('STRATA_');

/** The exit code set so far (read through a call: TypeScript would narrow the property). */
const exitCodeNow = (): number => Number(process.exitCode ?? 0);

/**
 * Runs the `strata` CLI in this process with `args`, its settings only those of `env` (plus the
 * devpie example as the app), capturing what it writes. For commands that end by themselves;
 * not for tests about the process itself (signals, exit codes of a crash, locks across processes).
 */
export async function runStrataInProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env))
    if (isStrataSetting(name)) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, { STRATA_APP: DEVPIE_APP, ...env });
  const written = { stdout: '', stderr: '' };
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture = (into: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => {
    written[into] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  const exitCode = process.exitCode;
  process.exitCode = 0;
  try {
    await runCli(['node', 'strata', ...args]);
    return { code: exitCodeNow(), ...written };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = exitCode;
    for (const name of Object.keys(process.env))
      if (!(name in saved)) Reflect.deleteProperty(process.env, name);
    Object.assign(process.env, saved);
  }
}
