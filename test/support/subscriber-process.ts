// A separate process running one transactional subscriber, for crash and hand-over tests:
// `node --import tsx test/support/subscriber-process.ts '<json options>'`. Each event it
// handles adds a row (event id, pid) to a table, slowly, so the test can kill it mid-batch; it
// prints `batch <n>` as it starts each batch, so a test knows the ones before have committed.
import { setTimeout as sleep } from 'node:timers/promises';

import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
} from '../../src/store/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';

export interface SubscriberProcessOptions {
  readonly driver: 'pg' | 'pglite';
  /** PostgreSQL URL or PGlite data directory. */
  readonly location: string;
  readonly schema: string;
  readonly subscriber: string;
  readonly category: string;
  readonly table: string;
  readonly batchDelayMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SubscriberProcessOptions;
const driver =
  options.driver === 'pg'
    ? createPgDriver({ connectionString: options.location, schema: options.schema })
    : await createPgliteDriver({ dataDir: options.location, schema: options.schema });
const store = await createPostgresEventStore({ driver });
await driver.exec(
  `CREATE TABLE IF NOT EXISTS ${options.table} (event_id uuid NOT NULL, pid integer NOT NULL)`,
);
let batches = 0;
const engine = createSubscriptionEngine({
  store,
  pollIntervalMs: 50,
  leaseRetryMs: 100,
  subscribers: [
    {
      name: options.subscriber,
      filter: { categories: [options.category] },
      transactional: true,
      batchSize: 5,
      async handle(events, { sql }) {
        process.stdout.write(`batch ${++batches}\n`);
        for (const event of events) {
          await sql!.query(`INSERT INTO ${options.table} (event_id, pid) VALUES ($1, $2)`, [
            event.id,
            process.pid,
          ]);
        }
        await sleep(options.batchDelayMs);
      },
    },
  ],
});
engine.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void engine
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
