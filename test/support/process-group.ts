import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

import { untilExit } from './child-process.js';

/** Debian's Python: the launcher below needs it, Swift's servers run on it. */
export const PYTHON = '/usr/bin/python3';

/**
 * Runs the command through this preamble, which asks the kernel to SIGKILL it when the process
 * that started it dies (PR_SET_PDEATHSIG, kept across exec) and gives up if that has already
 * happened: a test worker that crashes or is killed leaves nothing behind.
 */
const DIE_WITH_PARENT = [
  'import ctypes, os, sys',
  'ctypes.CDLL(None).prctl(1, 9)',
  'if os.getppid() != int(sys.argv[1]): sys.exit(1)',
  'os.execvp(sys.argv[2], sys.argv[2:])',
].join('\n');

/** Groups still running, killed synchronously if this process exits before ending them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Whether `child` has not exited yet. */
export const isRunning = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

/**
 * Starts `command` in a process group of its own (so whatever it forks is ended with it), its
 * output appended to `logFile`, tied to this process's life as described above.
 */
export function launchInGroup(command: readonly string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(PYTHON, ['-c', DIE_WITH_PARENT, String(process.pid), ...command], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  } finally {
    closeSync(log);
  }
}

/** Sends `signal` to `child`'s group and waits for `child` to exit; a no-op once it has. */
export async function endGroup(child: ChildProcess | undefined, signal: NodeJS.Signals) {
  if (child === undefined || !isRunning(child)) return;
  const exited = untilExit(child, 15_000);
  signalGroup(child, signal);
  await exited;
}
