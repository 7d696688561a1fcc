#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';

import { resolveConfig, type StrataConfig } from '../app/config.js';
import { isStrataError } from '../errors.js';
import {
  actOnParked,
  listParked,
  listProjections,
  listStreams,
  migrateCommand,
  abandonProjectionBuild,
  rebuildProjection,
  showStatus,
  showStream,
  tailEvents,
} from './admin.js';
import { serve } from './serve.js';

interface GlobalOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly schema?: string;
  readonly app?: string;
}

const integer = (name: string) => (text: string) => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(text);
};

const program = new Command('strata')
  .description('Strata: CQRS and event sourcing for TypeScript')
  .showHelpAfterError('(run with --help for usage)')
  .option('--config <file>', 'JSON config file (default: ./strata.config.json if present)')
  .option('--data-dir <dir>', 'PGlite data directory (default .strata)')
  .option(
    '--database-url <url>',
    'PostgreSQL URL; overrides DATABASE_URL, uses PostgreSQL instead of PGlite',
  )
  .option('--schema <name>', 'PostgreSQL schema of Strata tables (default strata)')
  .option('--app <module>', 'module exporting the app (default: the devpie example)');

/** The configuration for a command: its flags over the environment over the file. */
function configFor(command: Command, extra: Partial<StrataConfig> = {}): StrataConfig {
  const globals = command.optsWithGlobals<GlobalOptions>();
  return resolveConfig({
    env: process.env,
    ...(globals.config === undefined ? {} : { file: globals.config }),
    flags: {
      dataDir: globals.dataDir,
      databaseUrl: globals.databaseUrl,
      schema: globals.schema,
      app: globals.app,
      ...extra,
    },
  });
}

program
  .command('serve')
  .description('serve the app over HTTP (PGlite in the data dir, or PostgreSQL with DATABASE_URL)')
  .addOption(
    new Option('-p, --port <port>', 'port (default 3000, env PORT)').argParser(integer('port')),
  )
  .option('--host <host>', 'address to listen on (default 127.0.0.1, env HOST)')
  .action(async (options: { port?: number; host?: string }, command: Command) => {
    await serve(
      configFor(command, {
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
      }),
    );
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async (_options: unknown, command: Command) => {
    await migrateCommand(configFor(command));
  });

program
  .command('status')
  .description('whether the database takes writes, and any transaction holding readers back')
  .action(async (_options: unknown, command: Command) => {
    await showStatus(configFor(command));
  });

const streams = program.command('streams').description('inspect streams');
streams
  .command('list')
  .description('list streams with their versions')
  .option('--category <category>', 'only streams of this category')
  .option('--after <streamId>', 'start after this stream id')
  .addOption(new Option('--limit <n>', 'how many').default(100).argParser(integer('limit')))
  .action(
    async (options: { category?: string; after?: string; limit: number }, command: Command) => {
      await listStreams(configFor(command), options);
    },
  );
streams
  .command('show <streamId>')
  .description("print a stream's events")
  .addOption(new Option('--from <version>', 'first version').default(1).argParser(integer('from')))
  .addOption(new Option('--limit <n>', 'how many').default(100).argParser(integer('limit')))
  .action(async (streamId: string, options: { from: number; limit: number }, command: Command) => {
    await showStream(configFor(command), streamId, options);
  });

program
  .command('events')
  .description('read the global log')
  .command('tail')
  .description('print the log from a cursor, and with --follow keep printing new events')
  .option('--after <cursor>', 'start after this cursor')
  .addOption(
    new Option('--limit <n>', 'most events per read').default(1000).argParser(integer('limit')),
  )
  .option('-f, --follow', 'keep following new events until Ctrl-C', false)
  .action(async (options: { after?: string; limit: number; follow: boolean }, command: Command) => {
    await tailEvents(configFor(command), options);
  });

const projections = program.command('projections').description('inspect and rebuild projections');
projections
  .command('list')
  .description('list projections with their generations and lag')
  .action(async (_options: unknown, command: Command) => {
    await listProjections(configFor(command));
  });
projections
  .command('rebuild <name>')
  .description('rebuild a projection aside, then switch queries to it')
  .action(async (name: string, _options: unknown, command: Command) => {
    await rebuildProjection(configFor(command), name);
  });
projections
  .command('abandon <name>')
  .description('give up the build under way (e.g. a newer version left half-built by a rollback)')
  .action(async (name: string, _options: unknown, command: Command) => {
    await abandonProjectionBuild(configFor(command), name);
  });

const parked = program.command('parked').description('events subscribers could not handle');
parked
  .command('list')
  .description('list parked events')
  .option('--subscriber <name>', 'only this subscriber')
  .action(async (options: { subscriber?: string }, command: Command) => {
    await listParked(configFor(command), options.subscriber);
  });
for (const action of ['retry', 'skip'] as const) {
  parked
    .command(`${action} <subscriber> <position>`)
    .description(`${action} a failed parked event, then release its stream's events behind it`)
    .action(async (subscriber: string, position: string, _options: unknown, command: Command) => {
      await actOnParked(configFor(command), action, subscriber, integer('position')(position));
    });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // One clear line, no stack trace: set STRATA_DEBUG=1 to see it.
  const message = isStrataError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`strata: ${message}\n`);
  if (process.env.STRATA_DEBUG === '1') console.error(error);
  process.exitCode = 1;
}
