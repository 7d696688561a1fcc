/** Runs tasks one at a time per key, in arrival order; tasks of different keys run freely. */
export interface KeyedQueue {
  /** Runs `task` after every task queued earlier under `key` has settled; its result or error. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** A keyed queue that holds an entry only while a key has tasks in flight. */
export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, task) {
      const result = (tails.get(key) ?? Promise.resolve()).then(task);
      // The next task waits for this one to settle, whether it succeeded or failed.
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
