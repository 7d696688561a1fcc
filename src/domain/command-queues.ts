import type { EventStore } from '../store/index.js';
import { createKeyedQueue, type KeyedQueue } from './keyed-queue.js';

/**
 * The queues that order one process's commands against one store. Commands on one stream run
 * one after another, so they never lose a race to each other (only to other processes); repeats
 * of one idempotency key wait for the first and then find its result.
 */
export interface CommandQueues {
  readonly byStream: KeyedQueue;
  readonly byIdempotencyKey: KeyedQueue;
}

const queuesByStore = new WeakMap<EventStore, CommandQueues>();

/** The command queues of `store` in this process (two stores are two databases, or a test's two "processes"). */
export function commandQueuesOf(store: EventStore): CommandQueues {
  let queues = queuesByStore.get(store);
  if (queues === undefined) {
    queues = { byStream: createKeyedQueue(), byIdempotencyKey: createKeyedQueue() };
    queuesByStore.set(store, queues);
  }
  return queues;
}
