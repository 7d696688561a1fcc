import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

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

/** A condition a test waited for did not come true in time; says what was last seen. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly last: unknown,
  ) {
    const seen = inspect(last, { depth: 4, maxStringLength: 2_000 });
    super(`the condition did not hold within ${timeoutMs} ms; last read: ${seen}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `read` until `done(result)` holds, and returns that result; rejects with
 * {@link WaitTimeoutError} (naming the last result) if it does not hold within `timeoutMs`, and
 * with `read`'s own error if it throws. For reads that become complete once unrelated open
 * transactions (other suites) finish, and for anything else a test waits on: never a sleep.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (result: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await read();
    if (done(result)) return result;
    if (Date.now() > deadline) throw new WaitTimeoutError(timeoutMs, result);
    await sleep(20);
  }
}
