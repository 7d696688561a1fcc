import type { Command } from 'commander';

import type { StrataConfig } from '../app/config.js';
import { compactLakeCommand, queryLakeCommand, type HourOptions } from './commands/lake-sql.js';
import { listLake, replayLakeCommand, verifyLakeCommand } from './commands/lake.js';

const FROM = ['--from <hour>', 'from this UTC hour (2026-11-23T04), day or time'] as const;
const TO = ['--to <hour>', 'up to this UTC hour, day or time'] as const;
const CACHE = [
  '--cache <dir>',
  'where copies of S3 objects are kept (default: lake.cacheDir, else under the temp dir)',
] as const;

/** Adds `strata lake ls|verify|replay|query|compact`. */
export function addLakeCommands(
  program: Command,
  configFor: (command: Command) => StrataConfig,
): void {
  const lake = program
    .command('lake')
    .description('the data lake: every event archived by the hour (STRATA_LAKE)');
  lake
    .command('ls')
    .description('list the archived objects: hour, event count, key')
    .option(...FROM)
    .option(...TO)
    .action(async (options: { from?: string; to?: string }, command: Command) => {
      await listLake(configFor(command), options);
    });
  lake
    .command('query')
    .description('SQL over the archive with DuckDB: a table `events` (Parquet where compacted)')
    .argument('<sql>', 'the query, e.g. "SELECT type, count(*) FROM events GROUP BY type"')
    .option(...FROM)
    .option(...TO)
    .option('--format <format>', 'table, json or csv', 'table')
    .option(...CACHE)
    .action(async (sql: string, options: HourOptions & { format: string }, command: Command) => {
      await queryLakeCommand(configFor(command), sql, options);
    });
  lake
    .command('compact')
    .description('each hour (or day) of the archive into a Parquet file (zstd) beside it')
    .option('--by <span>', 'hour or day', 'hour')
    .option(...FROM)
    .option(...TO)
    .option(...CACHE)
    .action(async (options: HourOptions & { by: string }, command: Command) => {
      await compactLakeCommand(configFor(command), options);
    });
  lake
    .command('replay')
    .description('rebuild an event store from the archive and check it against it')
    .requiredOption(
      '--into <target>',
      'an empty store: a postgres:// URL or a PGlite data directory',
    )
    .option('--into-schema <schema>', 'the schema of a PostgreSQL target', 'strata')
    .option(
      '--projection <name...>',
      "then build these projections of the app there, from the lake's events",
    )
    .action(
      async (
        options: { into: string; intoSchema: string; projection?: string[] },
        command: Command,
      ) => {
        await replayLakeCommand(configFor(command), options);
      },
    );
  lake
    .command('verify')
    .description('check every hour of the archive against the log; exit 1 on any difference')
    .action(async (_options: unknown, command: Command) => {
      await verifyLakeCommand(configFor(command));
    });
}
