import { expect, it } from 'vitest';

import { createPostgresEventStore } from '../../src/store/index.js';
import { deferred } from '../support/async.js';
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
    const woken = deferred();
    let armed = false;
    const stop = elsewhere.onCommit(() => {
      if (armed) woken.resolve();
    });
    // LISTEN is issued asynchronously (and wakes once on connecting): let it settle first.
    await new Promise((settle) => setTimeout(settle, 300));
    armed = true;
    const streamId = freshStreamId();
    await db().store.appendToStream(streamId, [happened(1)]);
    const outcome = await Promise.race([
      woken.promise.then(() => 'woken'),
      new Promise((settle) =>
        setTimeout(() => {
          settle('timed out');
        }, 5000),
      ),
    ]);
    stop();
    expect(outcome).toBe('woken');
    expect(await elsewhere.streamVersion(streamId)).toBe(1);
  });
});
