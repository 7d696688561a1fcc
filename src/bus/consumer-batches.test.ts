import { describe, expect, it } from 'vitest';

import { deliverInBatches } from './consumer-batches.js';

/** An async source whose items arrive when `push` is called, as messages from a server do. */
function arrivals<T>() {
  const items: T[] = [];
  let waiting: (() => void) | undefined;
  let closed = false;
  let taken = 0;
  return {
    push(...more: T[]) {
      items.push(...more);
      waiting?.();
    },
    close() {
      closed = true;
      waiting?.();
    },
    taken: () => taken,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (items.length > 0) {
          taken++;
          yield items.shift()!;
        } else if (closed) return;
        else await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('deliverInBatches', () => {
  it('delivers what arrived while it was busy as one batch, in order, at most max at once', async () => {
    const source = arrivals<number>();
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const done = deliverInBatches(source, 4, async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    source.push(1);
    await tick();
    source.push(2, 3, 4, 5, 6, 7, 8, 9);
    await tick();
    // Busy with [1]: it read ahead no more than 4 (and one the reader holds).
    expect(source.taken()).toBeLessThanOrEqual(1 + 4 + 1);
    release();
    await tick();
    source.close();
    await done;
    expect(batches[0]).toEqual([1]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(4);
  });

  it('delivers one at a time when items come slower than they are handled', async () => {
    const source = arrivals<string>();
    const batches: string[][] = [];
    const done = deliverInBatches(source, 16, (batch) => {
      batches.push([...batch]);
      return Promise.resolve();
    });
    for (const item of ['a', 'b', 'c']) {
      source.push(item);
      await tick();
    }
    source.close();
    await done;
    expect(batches).toEqual([['a'], ['b'], ['c']]);
  });

  it('rejects with the error of a delivery, and of the source', async () => {
    const failing = arrivals<number>();
    failing.push(1);
    await expect(
      deliverInBatches(failing, 2, () => Promise.reject(new Error('handler broke'))),
    ).rejects.toThrow('handler broke');
    const broken = {
      // eslint-disable-next-line require-yield -- a source that fails before its first item
      async *[Symbol.asyncIterator]() {
        await tick();
        throw new Error('source broke');
      },
    };
    await expect(deliverInBatches(broken, 2, () => Promise.resolve())).rejects.toThrow(
      'source broke',
    );
  });
});
