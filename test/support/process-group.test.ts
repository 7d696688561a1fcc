import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readUntil } from './async.js';
import { startChild, untilExit } from './child-process.js';
import { endGroup, isRunning, launchInGroup } from './process-group.js';

/** `R` running or sleeping, `Z` a zombie (dead, not yet reaped), `gone` reaped. */
async function state(pid: number): Promise<string> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
}
const dead = (status: string) => status === 'Z' || status === 'gone';

describe('processes started in a group of their own', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-group-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('end with their group, whatever they forked included', async () => {
    // The shell forks the sleep: a group kill ends both.
    const shell = launchInGroup(
      ['sh', '-c', 'sleep 600 & echo $!; wait'],
      path.join(dir, 'sh.log'),
    );
    const printed = await readUntil(
      () => readFile(path.join(dir, 'sh.log'), 'utf8'),
      (text) => text.includes('\n'),
    );
    const sleeper = Number(printed.trim());
    expect(dead(await state(sleeper))).toBe(false);
    await endGroup(shell, 'SIGTERM');
    expect(isRunning(shell)).toBe(false);
    await readUntil(() => state(sleeper), dead);
  });

  it('die with the process that started them, even when it is SIGKILLed', async () => {
    const launcher = await startChild('./group-launcher.ts', path.join(dir, 'launcher.log'));
    const pid = Number(/ready (\d+)/.exec(launcher.output())![1]);
    expect(dead(await state(pid))).toBe(false);
    launcher.kill('SIGKILL');
    await untilExit(launcher, 5_000);
    await readUntil(() => state(pid), dead);
  });
});
