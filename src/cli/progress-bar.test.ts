import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { Rebuild, RebuildProgress } from '../projections/index.js';
import { showRebuildProgress } from './progress-bar.js';

/** A stream that keeps what is written to it, and says whether it is a terminal. */
function collecting(isTTY: boolean) {
  const written: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    }),
    { isTTY, columns: 120 },
  );
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written.join('') };
}

/** A rebuild of 10 events whose samples lag behind: the last says 7 done when it is over. */
function fakeRebuild(): Rebuild {
  let samples = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    projection: 'p',
    generation: 2,
    done,
    progress(): Promise<RebuildProgress> {
      samples += 1;
      if (samples === 3) finish();
      const eventsDone = Math.min(7, samples * 3);
      return Promise.resolve({
        projection: 'p',
        generation: 2,
        eventsDone,
        eventsRemaining: 10 - eventsDone,
        eventsPerSecond: 100,
        etaSeconds: 1,
        done: false,
      });
    },
  };
}

describe('the rebuild progress bar', () => {
  it('writes plain lines off a terminal, the last at 100%', async () => {
    const { stream, text } = collecting(false);
    await showRebuildProgress(fakeRebuild(), stream);
    expect(text()).not.toContain('\r');
    expect(text()).not.toContain('\u001b');
    expect(text().trimEnd().split('\n').at(-1)).toBe(
      '[##############################] 100% 10/10 events, 100/s',
    );
  });

  it('redraws in place on a terminal and ends at 100%', async () => {
    const { stream, text } = collecting(true);
    await showRebuildProgress(fakeRebuild(), stream);
    expect(text()).toContain('\u001b[');
    expect(text()).toContain('] 100% 10/10 events');
  });
});
