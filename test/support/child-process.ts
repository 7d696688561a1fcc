import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { RUN_SOURCES } from './run-sources.js';
import { readUntil } from './async.js';

/** How long a child may take to say it is ready: PGlite start-up is slow on a loaded machine. */
const START_TIMEOUT_MS = 45_000;

/** Everything `child` has printed so far on its piped standard output and error, interleaved. */
export function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

/**
 * Resolves with the first match of `pattern` in `output()` (what `child` printed); rejects, with
 * that output, if `child` ends first or `timeoutMs` passes. Call it before `child` can have ended.
 */
export async function untilPrinted(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs = START_TIMEOUT_MS,
): Promise<RegExpExecArray> {
  // 'close' comes after the child's output has been read to the end, unlike 'exit'.
  const ended = { yes: false };
  child.once('close', () => (ended.yes = true));
  const seen = await readUntil(
    () => Promise.resolve({ printed: output(), ended: ended.yes }),
    ({ printed }) => ended.yes || pattern.test(printed),
    timeoutMs,
  );
  const match = pattern.exec(seen.printed);
  if (match === null) {
    const status = child.exitCode ?? child.signalCode;
    throw new Error(`the child ended (${status}) before printing ${pattern}:\n${seen.printed}`);
  }
  return match;
}

/** A child process of the test suite, with what it has printed on standard output so far. */
export type TestChild = ChildProcess & { readonly output: () => string };

/** Starts a TypeScript file of the test suite as a child process; resolves once it prints `ready`. */
export async function startChild(script: string, argument: unknown): Promise<TestChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...RUN_SOURCES, path, JSON.stringify(argument)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output = collectOutput(child);
  try {
    await untilPrinted(child, output, /ready/);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return Object.assign(child, { output });
}

/**
 * Resolves with `child`'s exit code once it has exited (null if a signal ended it); rejects if
 * it is still running after `timeoutMs`, killing it then so it does not outlive the test.
 */
export async function untilExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number | null>((settle, fail) => {
      child.once('close', settle);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the child (pid ${child.pid}) did not exit within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Kills `child` with SIGKILL and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((settle) => child.once('exit', settle));
  child.kill('SIGKILL');
  await exited;
}
