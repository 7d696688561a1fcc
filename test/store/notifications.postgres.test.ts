import { expect, it } from 'vitest';

import { createPostgresEventStore } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { freshStreamId, happened } from '../support/test-messages.js';

describePostgres('commit notifications across processes on PostgreSQL', () => {
  const db = useTestDatabase('pg');

  it('wakes a listener on another connection pool when events commit', async () => {
    const elsewhere = await createPostgresEventStore({
      driver: db().openSecondDriver(),
      migrate: false,
    });
    let wakes = 0;
    const stop = elsewhere.onCommit(() => {
      wakes++;
    });
    const wokenAtLeast = (count: number) =>
      readUntil(
        () => Promise.resolve(wakes),
        (seen) => seen >= count,
        5_000,
      );
    try {
      // LISTEN is issued asynchronously, and wakes the listener once when it is in place.
      await wokenAtLeast(1);
      const streamId = freshStreamId();
      await db().store.appendToStream(streamId, [happened(1)]);
      await wokenAtLeast(2);
      expect(await elsewhere.streamVersion(streamId)).toBe(1);
    } finally {
      stop();
    }
  });
});
