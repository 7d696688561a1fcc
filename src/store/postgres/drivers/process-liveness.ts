import { readFileSync } from 'node:fs';

/**
 * When the kernel started process `pid`, in clock ticks since boot, as Linux reports it in
 * `/proc/<pid>/stat`; `undefined` where there is no `/proc` or no such process. Two processes
 * that had the same pid one after the other have different start ticks.
 */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); the start time is field 22.
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}

/**
 * True only when process `pid` certainly no longer runs: no process has that pid, or (on
 * Linux, when `startTicks` is known) the process with that pid started at another time, so
 * the pid was reused. Any doubt (another user's process, no `/proc`) answers false.
 */
export function isProvablyGone(pid: number, startTicks: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (startTicks === undefined) return false;
  const current = processStartTicks(pid);
  return current !== undefined && current !== startTicks;
}
