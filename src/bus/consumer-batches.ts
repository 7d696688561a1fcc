/**
 * Hands `deliver` the items of `source` in order, as many at once as arrived while it was busy
 * (at most `max`), and reads ahead of it by at most `max`: a consumer that commits once per
 * batch keeps up with a burst that one commit per message could not.
 */
export async function deliverInBatches<T>(
  source: AsyncIterable<T>,
  max: number,
  deliver: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  const queue: T[] = [];
  let ended = false;
  // Reader and deliverer never wait at once (the queue cannot be empty and full), so one
  // wake-up serves both.
  let wake: (() => void) | undefined;
  const poke = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const poked = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  const reader = (async () => {
    try {
      for await (const item of source) {
        queue.push(item);
        poke();
        while (queue.length >= max) await poked();
      }
    } finally {
      ended = true;
      poke();
    }
  })();
  for (;;) {
    if (queue.length === 0) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the reader
      if (ended) break;
      await poked();
      continue;
    }
    const batch = queue.splice(0, max);
    poke();
    await deliver(batch);
  }
  await reader;
}
