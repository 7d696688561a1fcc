import { v7 as uuidv7 } from 'uuid';

import { decodeCursor, type PostgresEventStore } from '../../src/store/index.js';
import { isInjectedRollback } from './stress-chaos.js';
import { ackedEvents, type AckedEvent } from './stress-writers.js';

/** An append written but not yet committed: its transaction stays open until `commit`. */
export interface OpenAppend {
  readonly transactionId: number;
  /** Lets the transaction commit; resolves to the acknowledged event. */
  commit(): Promise<AckedEvent[]>;
}

/**
 * Appends one event to `streamId` through the real store in a transaction that stays open
 * until `commit()`: a transaction in flight at a moment the bench chooses (when a subscriber
 * starts from the end of the log, say). Starts over when the chaos trigger aborts the append.
 */
export async function openAppend(store: PostgresEventStore, streamId: string): Promise<OpenAppend> {
  for (;;) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: (transactionId: number) => void;
    const inserted = new Promise<number>((resolve) => (written = resolve));
    const committed = store.transaction(async (tx) => {
      const result = await tx.appendToStream(streamId, [
        { id: uuidv7(), type: 'stress.Held', data: {} },
      ]);
      written(Number(decodeCursor(result.cursor!).transactionId));
      await released;
      return result;
    });
    try {
      // `committed` cannot resolve before the release; it rejects when the append is aborted.
      const transactionId = await Promise.race([inserted, committed.then(() => inserted)]);
      return {
        transactionId,
        async commit() {
          release();
          return ackedEvents(await committed);
        },
      };
    } catch (error) {
      if (!isInjectedRollback(error)) throw error;
    }
  }
}

/** Appends one event to `streamId` and commits it, starting over when the chaos trigger aborts. */
export async function appendCommitted(
  store: PostgresEventStore,
  streamId: string,
): Promise<AckedEvent[]> {
  for (;;) {
    try {
      const result = await store.appendToStream(streamId, [
        { id: uuidv7(), type: 'stress.Committed', data: {} },
      ]);
      return ackedEvents(result);
    } catch (error) {
      if (!isInjectedRollback(error)) throw error;
    }
  }
}
