import { describe, expect, it } from 'vitest';

import { StoreUnavailableError, TransactionCounterBehindError } from '../../../src/store/index.js';
import type { TestDatabase } from '../../support/test-database.js';
import { freshStreamId, happened } from '../../support/test-messages.js';

/** What the database does to the store from outside: refusals, a moved database. */
export function operationsContract(db: () => TestDatabase): void {
  describe('operations', () => {
    it('says the database is writable when it is', async () => {
      expect(await db().store.availability()).toMatchObject({ writable: true });
    });

    it('reports no transaction holding readers back when none has for long', async () => {
      expect(await db().store.horizon({ olderThanMs: 3_600_000 })).toEqual({
        heldBy: undefined,
        seesAllSessions: true,
      });
    });

    it('turns a full disk (53100) into StoreUnavailableError and reports it as unavailable', async () => {
      const { driver, store } = db();
      const streamId = freshStreamId('diskfull');
      // A full disk cannot be arranged in a test; a trigger raises the error PostgreSQL would.
      await driver.exec(`
        CREATE FUNCTION strata_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.stream_id = '${streamId}' THEN
            RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER strata_test_disk_full BEFORE INSERT ON events
          FOR EACH ROW EXECUTE FUNCTION strata_test_disk_full();`);
      try {
        const refused = await store
          .appendToStream(streamId, [happened(1)])
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(StoreUnavailableError);
        expect(refused).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'disk-full' });
        expect((refused as Error).message).not.toContain('No space');
        expect(await store.availability()).toEqual({ writable: false, reason: 'disk-full' });
      } finally {
        await driver.exec(`DROP TRIGGER strata_test_disk_full ON events;
                           DROP FUNCTION strata_test_disk_full();`);
      }
    });

    it('refuses to open a log written by transactions the cluster has not reached', async () => {
      const { driver } = db();
      // A dump restored onto a younger cluster: the log holds ids beyond the cluster's counter.
      const [row] = await driver.query<{ position: number; last: number }>(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data,
                             metadata, transaction_id)
         VALUES (gen_random_uuid(), $1, 1, 'test.ThingHappened', 1, '{"n":1}', '{}',
                 pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000000)
         RETURNING global_position AS position, transaction_id AS last`,
        [freshStreamId('moved')],
      );
      try {
        const refused = await db()
          .openStore()
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(TransactionCounterBehindError);
        expect(refused).toMatchObject({
          code: 'TRANSACTION_COUNTER_BEHIND',
          lastTransactionId: row?.last,
        });
        expect((refused as Error).message).toMatch(/Moving the database/);
      } finally {
        await driver.query('DELETE FROM events WHERE global_position = $1', [row?.position]);
      }
      await expect(db().openStore()).resolves.toBeDefined();
    });
  });
}
