import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLakeArchiver, s3Sink } from '../../src/lake/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { collect, readUntil } from '../support/async.js';
import { describeWithS3 } from '../support/describe-with-s3.js';
import { describePostgres } from '../support/postgres.js';
import { s3ClientFor, startS3Server, type TestS3Server } from '../support/s3-server.js';
import { useTestDatabase } from '../support/test-database.js';
import { appendSome, archiverContract } from './contract/archiver.contract.js';
import { expectLakeIsTheLog } from './contract/lake-fixture.js';
import { lakeSqlContract } from './contract/lake-sql.contract.js';

const BUCKET = 'strata-lake';

describeWithS3('the lake in S3 (OpenStack Swift with s3api)', () => {
  let server: TestS3Server;

  beforeAll(async () => {
    server = await startS3Server();
    const client = s3ClientFor(server);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    client.destroy();
  }, 60_000);
  afterAll(async () => {
    await server.destroy();
  });

  /** A sink under a prefix of its own in the one bucket, as `s3://strata-lake/<prefix>` names it. */
  const freshPrefix = () =>
    Promise.resolve({
      sink: s3Sink(
        { bucket: BUCKET, prefix: `run-${crypto.randomUUID().slice(0, 8)}/` },
        {
          endpoint: server.endpoint,
          region: server.region,
          forcePathStyle: true,
          credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
        },
      ),
      remove: () => Promise.resolve(),
    });

  describe('on PGlite', () => {
    archiverContract(useTestDatabase('pglite'), freshPrefix);
  });

  describe('when the S3 server is killed mid-archive and restarted', () => {
    const db = useTestDatabase('pglite');
    it('leaves no gap and stores nothing twice', async () => {
      await appendSome(db(), 3_000);
      const { sink } = await freshPrefix();
      const objects = async () => {
        let count = 0;
        for await (const _key of sink.list('messages/')) count++;
        return count;
      };
      const errors: unknown[] = [];
      const archiver = createLakeArchiver({
        sink,
        subscriberName: 'lake:outage',
        maxEvents: 40,
        lingerMs: 20,
        onError: (error) => errors.push(error),
      });
      const engine = createSubscriptionEngine({ store: db().store, pollIntervalMs: 100 });
      engine.add(archiver.subscriber);
      engine.start();
      try {
        await readUntil(objects, (count) => count >= 5, 30_000);
        await server.kill();
        await new Promise((settle) => setTimeout(settle, 500));
        await server.restart();
        const last = (await collect((await db().openStore()).readAll())).at(-1)!;
        expect(await engine.waitUntilCaughtUp('lake:outage', last.cursor, 60_000)).toBe(true);
        const { log, lake } = await expectLakeIsTheLog(db(), sink);
        expect(lake).toEqual(log);
        // Killed while archiving, not after it.
        expect(errors.length).toBeGreaterThan(0);
        expect(await engine.parked.list({ subscriber: 'lake:outage' })).toEqual([]);
      } finally {
        const stopped = engine.stop();
        archiver.stop();
        await stopped;
        sink.close();
      }
    }, 120_000);
  });
  describePostgres('on PostgreSQL', () => {
    archiverContract(useTestDatabase('pg'), freshPrefix);
  });

  describe('SQL over it', () => {
    lakeSqlContract(freshPrefix);
  });
});
