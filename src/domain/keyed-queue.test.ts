import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { createKeyedQueue } from './keyed-queue.js';

describe('keyed queue', () => {
  it('runs the tasks of one key one at a time, in arrival order, past failures', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    let running = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running++;
        expect(running).toBe(1);
        await sleep(2);
        log.push(name);
        running--;
        if (fail) throw new Error(name);
        return name;
      };
    const outcomes = await Promise.allSettled([
      queue.run('a', task('1')),
      queue.run('a', task('2', true)),
      queue.run('a', task('3')),
    ]);
    expect(log).toEqual(['1', '2', '3']);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
  });

  it('does not hold one key behind another', async () => {
    const queue = createKeyedQueue();
    let release: () => void = () => undefined;
    const blocked = queue.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    expect(await queue.run('b', () => Promise.resolve('b'))).toBe('b');
    release();
    await blocked;
  });
});
