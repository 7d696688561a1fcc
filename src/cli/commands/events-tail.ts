import { setTimeout as sleep } from 'node:timers/promises';

import type { StrataConfig } from '../../app/config.js';
import { parseCursor, type Cursor, type PostgresEventStore } from '../../store/index.js';
import { print, withStore } from './sessions.js';
import { eventLine } from './streams.js';

/** What `strata events tail` was asked for. */
export interface TailOptions {
  /** Start after this cursor; from the start of the log without it. */
  readonly after?: string;
  /** Events fetched per round trip. */
  readonly limit: number;
  /** Stop after printing this many events. */
  readonly max?: number;
  /** Keep printing events as they commit, until SIGINT or `max`. */
  readonly follow: boolean;
}

/** Longest a follower waits for a commit notice before looking anyway. */
const FOLLOW_POLL_MS = 1_000;

/**
 * Prints the log from `after` to its end, `limit` events per round trip; with `follow`, keeps
 * printing events as they commit. `max` stops it after that many events either way.
 */
export async function tailEvents(config: StrataConfig, options: TailOptions): Promise<void> {
  await withStore(config, (store) => tail(store, options));
}

async function tail(store: PostgresEventStore, options: TailOptions): Promise<void> {
  let cursor: Cursor | undefined =
    options.after === undefined ? undefined : parseCursor(options.after);
  let left = options.max ?? Number.POSITIVE_INFINITY;
  let wake: () => void = () => undefined;
  const stopListening = store.onCommit(() => {
    wake();
  });
  const state = { stopped: false };
  const stop = () => {
    state.stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  try {
    for (;;) {
      for await (const event of store.readAll({
        after: cursor,
        batchSize: options.limit,
        limit: left,
      })) {
        print(eventLine(event));
        cursor = event.cursor;
        left -= 1;
      }
      if (!options.follow || state.stopped || left === 0) return;
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(FOLLOW_POLL_MS)]);
    }
  } finally {
    process.removeListener('SIGINT', stop);
    stopListening();
  }
}
