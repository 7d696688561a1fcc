import type { Command } from 'commander';

import type { StrataConfig } from '../app/config.js';
import { listLake, replayLakeCommand, verifyLakeCommand } from './commands/lake.js';

/** Adds `strata lake ls`, `strata lake replay` and `strata lake verify`. */
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
    .option('--from <hour>', 'from this UTC hour (2026-11-23T04), day or time')
    .option('--to <hour>', 'up to this UTC hour, day or time')
    .action(async (options: { from?: string; to?: string }, command: Command) => {
      await listLake(configFor(command), options);
    });
  lake
    .command('replay')
    .description('rebuild an event store from the archive and check it against it')
    .requiredOption(
      '--into <target>',
      'an empty store: a postgres:// URL or a PGlite data directory',
    )
    .option('--into-schema <schema>', 'the schema of a PostgreSQL target', 'strata')
    .action(async (options: { into: string; intoSchema: string }, command: Command) => {
      await replayLakeCommand(configFor(command), options);
    });
  lake
    .command('verify')
    .description('check every hour of the archive against the log; exit 1 on any difference')
    .action(async (_options: unknown, command: Command) => {
      await verifyLakeCommand(configFor(command));
    });
}
