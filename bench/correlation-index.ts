import { v7 as uuidv7 } from 'uuid';

import { median, perSecond, printTable, runConcurrently } from './support/measure.js';
import { postgresTarget, type BenchTarget } from './support/targets.js';

/**
 * What the index on `metadata->>'correlationId'` (migration 015: the dashboard's search and
 * lineage) costs an append: plain single-row INSERTs into two copies of `events`, one with
 * every index, one without that one, in interleaved rounds at 1 and 16 writers.
 */

const DATA = JSON.stringify({ projectId: 'project-1', name: 'Quarterly planning', ownerId: 'u' });
const insertInto = (table: string) => `INSERT INTO ${table}
  (event_id, stream_id, stream_version, type, schema_version, data, metadata)
  VALUES ($1, $2, 1, 'projects.ProjectCreated', 1, $3, $4)`;

async function createTables(target: BenchTarget): Promise<void> {
  await target.raw.exec(`
    CREATE TABLE with_index (LIKE events INCLUDING ALL);
    CREATE TABLE without_index (LIKE events INCLUDING ALL);`);
  const rows = await target.raw.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes
      WHERE tablename = 'without_index' AND indexdef LIKE '%correlationId%'`,
  );
  for (const { indexname } of rows) await target.raw.exec(`DROP INDEX "${indexname}"`);
}

const append = (target: BenchTarget, table: string) => () =>
  target.raw.query(insertInto(table), [
    uuidv7(),
    `project-${uuidv7()}`,
    DATA,
    JSON.stringify({ correlationId: uuidv7(), commandId: uuidv7(), actor: 'user-42' }),
  ]);

/** `npm run bench -- correlation-index [--quick]` (PostgreSQL) */
export async function correlationIndexBenchmark(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rounds = quick ? 2 : 5;
  const target = await postgresTarget(16);
  try {
    await createTables(target);
    const rows: string[][] = [];
    for (const writers of [1, 16]) {
      const operations = (quick ? 300 : 1500) * (writers === 1 ? 1 : 3);
      const rates: Record<'with_index' | 'without_index', number[]> = {
        with_index: [],
        without_index: [],
      };
      for (let round = 0; round < rounds; round++) {
        // Alternate which goes first, so neither always meets a warmer (or busier) server.
        const order =
          round % 2 === 0
            ? (['with_index', 'without_index'] as const)
            : (['without_index', 'with_index'] as const);
        for (const table of order) {
          const run = await runConcurrently(writers, operations, append(target, table));
          rates[table].push(run.operations / run.seconds);
        }
      }
      const withIndex = median(rates.with_index);
      const withoutIndex = median(rates.without_index);
      rows.push([
        `1-event INSERTs, ${writers} writer${writers === 1 ? '' : 's'}`,
        perSecond(withIndex),
        perSecond(withoutIndex),
        `${Math.round((withIndex / withoutIndex) * 100)}%`,
      ]);
    }
    printTable(
      `correlation index: ${target.description}; medians of ${rounds} alternating rounds`,
      ['case', 'with the index', 'without it', 'with / without'],
      rows,
    );
  } finally {
    await target.close();
  }
}
