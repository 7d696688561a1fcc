import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { readUntil, WaitTimeoutError } from './async.js';
import { collectOutput, untilExit, untilPrinted } from './child-process.js';

/** A plain Node child running `code`, output piped. */
const node = (code: string) =>
  spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });

describe('the helpers tests wait with', () => {
  it('readUntil returns the first result that satisfies the condition', async () => {
    let reads = 0;
    const result = await readUntil(
      () => Promise.resolve(++reads),
      (count) => count === 3,
    );
    expect(result).toBe(3);
  });

  it('readUntil fails on timeout, naming the last result, instead of returning it', async () => {
    const waiting = readUntil(
      () => Promise.resolve({ rows: 1 }),
      ({ rows }) => rows === 2,
      100,
    );
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(/within 100 ms; last read: \{ rows: 1 \}/);
  });

  it('untilPrinted fails with the output when the child ends without printing the pattern', async () => {
    const child = node('console.log("starting"); process.exit(3)');
    await expect(untilPrinted(child, collectOutput(child), /ready/)).rejects.toThrow(
      /ended \(3\) before printing \/ready\/:\nstarting/,
    );
  });

  it('untilPrinted fails on timeout while the child stays silent', async () => {
    const child = node('console.log("starting"); setInterval(() => {}, 1000)');
    try {
      await expect(untilPrinted(child, collectOutput(child), /ready/, 300)).rejects.toThrow(
        WaitTimeoutError,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('untilExit fails, and kills the child, when it does not exit in time', async () => {
    const child = node('setInterval(() => {}, 1000)');
    await expect(untilExit(child, 300)).rejects.toThrow(/did not exit within 300 ms/);
    expect(await untilExit(child, 5_000)).toBeNull();
    expect(child.signalCode).toBe('SIGKILL');
  });
});
