import type { StoredEvent } from '../../src/store/index.js';

/** A promise with its resolve function, for stepping concurrent work through a scenario. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Every event of an iterable, in order. */
export async function collect(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/**
 * Calls `read` until `done(result)` holds or `timeoutMs` passes, and returns the last result.
 * For reads that become complete once unrelated open transactions (other suites) finish.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (result: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await read();
    if (done(result) || Date.now() > deadline) return result;
    await new Promise((wake) => setTimeout(wake, 20));
  }
}
