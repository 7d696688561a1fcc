import { describe, expect, it } from 'vitest';

import { collect, deferred, readUntil } from '../../support/async.js';
import { endOfLog, type TestDatabase } from '../../support/test-database.js';
import { happened } from '../../support/test-messages.js';

/** Two streams in a category of their own, so reads see only this scenario's events. */
function scenarioStreams() {
  const category = `late${crypto.randomUUID().slice(0, 8)}`;
  return { category, first: `${category}-t1`, second: `${category}-t2` };
}

/**
 * Opens a transaction that appends to `streamId` and stays open until `commit()` is called;
 * resolves once the append is done.
 */
async function holdOpenAppend(
  store: TestDatabase['store'],
  streamId: string,
): Promise<{ commit: () => Promise<void> }> {
  const appended = deferred();
  const release = deferred();
  const transaction = store.transaction(async (tx) => {
    await tx.appendToStream(streamId, [happened(1)]);
    appended.resolve();
    await release.promise;
  });
  await appended.promise;
  return {
    commit: async () => {
      release.resolve();
      await transaction;
    },
  };
}

/**
 * The ordering hazard of a log whose positions are drawn before commit. Needs two transactions
 * open at once, so it runs on PostgreSQL; PGlite runs transactions one at a time.
 */
export function lateCommitContract(db: () => TestDatabase): void {
  describe('late commits', () => {
    it('holds back a committed event while an earlier-drawn one is uncommitted, then returns both', async () => {
      const { store } = db();
      const { category, first, second } = scenarioStreams();
      const start = await endOfLog(db());
      const t1 = await holdOpenAppend(store, first);
      await store.appendToStream(second, [happened(2)]);

      // T2 committed with a higher position than T1's still-open event: a reader that passed
      // T2's position now would never see T1's. readAll must return neither yet.
      expect(await store.readStream(second)).toHaveLength(1);
      const during = await collect(store.readAll({ after: start, categories: [category] }));
      expect(during).toEqual([]);

      await t1.commit();
      const after = await readUntil(
        () => collect(store.readAll({ after: start, categories: [category] })),
        (events) => events.length === 2,
      );
      expect(after.map((event) => event.streamId)).toEqual([first, second]);
      expect(after[0]!.globalPosition).toBeLessThan(after[1]!.globalPosition);
    });

    it('orders by transaction when the earlier transaction draws the higher position', async () => {
      const { store } = db();
      const { category, first, second } = scenarioStreams();
      const start = await endOfLog(db());
      const t1HasId = deferred();
      const t2Committed = deferred();
      const t1Appended = deferred();
      const commitT1 = deferred();

      const t1 = store.transaction(async (tx) => {
        await tx.sql.query('SELECT pg_current_xact_id()');
        t1HasId.resolve();
        await t2Committed.promise;
        await tx.appendToStream(first, [happened(1)]);
        t1Appended.resolve();
        await commitT1.promise;
      });
      await t1HasId.promise;
      await store.appendToStream(second, [happened(2)]);
      t2Committed.resolve();
      await t1Appended.promise;

      const during = await collect(store.readAll({ after: start, categories: [category] }));
      expect(during).toEqual([]);

      commitT1.resolve();
      await t1;
      const after = await readUntil(
        () => collect(store.readAll({ after: start, categories: [category] })),
        (events) => events.length === 2,
      );
      expect(after.map((event) => event.streamId)).toEqual([first, second]);
      expect(after[0]!.globalPosition).toBeGreaterThan(after[1]!.globalPosition);
      // Resuming from the cursor of either event never returns or skips the other.
      expect(
        await collect(store.readAll({ after: after[0]!.cursor, categories: [category] })),
      ).toEqual([after[1]]);
    });
  });
}

/** What PGlite guarantees instead: one transaction at a time, so no commit can arrive late. */
export function serialTransactionsContract(db: () => TestDatabase): void {
  describe('transactions on one connection', () => {
    it('makes an append wait for an open transaction, so the log is read in commit order', async () => {
      const { store } = db();
      const { category, first, second } = scenarioStreams();
      const start = await endOfLog(db());
      const t1 = await holdOpenAppend(store, first);
      let t2Done = false;
      const t2 = store.appendToStream(second, [happened(2)]).then(() => (t2Done = true));
      await new Promise((wake) => setTimeout(wake, 50));
      expect(t2Done).toBe(false);
      await Promise.all([t1.commit(), t2]);
      const events = await collect(store.readAll({ after: start, categories: [category] }));
      expect(events.map((event) => event.streamId)).toEqual([first, second]);
    });
  });
}
