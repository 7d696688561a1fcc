import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

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
import type { CliIo } from './io.js';
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

/** The configuration for a command: its flags over the environment over the file. */
function configFor(io: CliIo, command: Command, extra: Partial<StrataConfig> = {}): StrataConfig {
  const globals = command.optsWithGlobals<GlobalOptions>();
  return resolveConfig({
    env: io.env,
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

/** The root command with its global options; errors and help go to `io`, never `process.exit`. */
function rootCommand(io: CliIo): Command {
  return new Command('strata')
    .description('Strata: CQRS and event sourcing for TypeScript')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .option('--config <file>', 'JSON config file (default: ./strata.config.json if present)')
    .option('--data-dir <dir>', 'PGlite data directory (default .strata)')
    .option(
      '--database-url <url>',
      'PostgreSQL URL; overrides DATABASE_URL, uses PostgreSQL instead of PGlite',
    )
    .option('--schema <name>', 'PostgreSQL schema of Strata tables (default strata)')
    .option('--app <module>', 'module exporting the app (default: the devpie example)');
}

function addServerCommands(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'serve the app over HTTP (PGlite in the data dir, or PostgreSQL with DATABASE_URL)',
    )
    .addOption(
      new Option('-p, --port <port>', 'port (default 3000, env PORT)').argParser(integer('port')),
    )
    .option('--host <host>', 'address to listen on (default 127.0.0.1 without API keys, env HOST)')
    .action(async (options: { port?: number; host?: string }, command: Command) => {
      const extra = {
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
      };
      await serve(configFor(io, command, extra), io);
    });
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async (_options: unknown, command: Command) => {
      await migrateCommand(configFor(io, command), io);
    });
  program
    .command('status')
    .description('whether the database takes writes, and any transaction holding readers back')
    .action(async (_options: unknown, command: Command) => {
      await showStatus(configFor(io, command), io);
    });
}

function addLogCommands(program: Command, io: CliIo): void {
  const limit = (fallback: number, what: string) =>
    new Option('--limit <n>', what).default(fallback).argParser(integer('limit'));
  const streams = program.command('streams').description('inspect streams');
  streams
    .command('list')
    .description('list streams with their versions')
    .option('--category <category>', 'only streams of this category')
    .option('--after <streamId>', 'start after this stream id')
    .addOption(limit(100, 'how many'))
    .action(
      async (options: { category?: string; after?: string; limit: number }, command: Command) => {
        await listStreams(configFor(io, command), io, options);
      },
    );
  streams
    .command('show <streamId>')
    .description("print a stream's events")
    .addOption(
      new Option('--from <version>', 'first version').default(1).argParser(integer('from')),
    )
    .addOption(limit(100, 'how many'))
    .action(
      async (streamId: string, options: { from: number; limit: number }, command: Command) => {
        await showStream(configFor(io, command), io, streamId, options);
      },
    );
  program
    .command('events')
    .description('read the global log')
    .command('tail')
    .description('print the log from a cursor, and with --follow keep printing new events')
    .option('--after <cursor>', 'start after this cursor')
    .addOption(limit(1000, 'most events per read'))
    .option('-f, --follow', 'keep following new events until Ctrl-C', false)
    .action(
      async (options: { after?: string; limit: number; follow: boolean }, command: Command) => {
        await tailEvents(configFor(io, command), io, options);
      },
    );
}

function addProjectionCommands(program: Command, io: CliIo): void {
  const projections = program.command('projections').description('inspect and rebuild projections');
  projections
    .command('list')
    .description('list projections with their generations and lag')
    .action(async (_options: unknown, command: Command) => {
      await listProjections(configFor(io, command), io);
    });
  projections
    .command('rebuild <name>')
    .description('rebuild a projection aside, then switch queries to it')
    .action(async (name: string, _options: unknown, command: Command) => {
      await rebuildProjection(configFor(io, command), io, name);
    });
  projections
    .command('abandon <name>')
    .description('give up the build under way (e.g. a newer version left half-built by a rollback)')
    .action(async (name: string, _options: unknown, command: Command) => {
      await abandonProjectionBuild(configFor(io, command), io, name);
    });
}

function addParkedCommands(program: Command, io: CliIo): void {
  const parked = program.command('parked').description('events subscribers could not handle');
  parked
    .command('list')
    .description('list parked events')
    .option('--subscriber <name>', 'only this subscriber')
    .action(async (options: { subscriber?: string }, command: Command) => {
      await listParked(configFor(io, command), io, options.subscriber);
    });
  for (const action of ['retry', 'skip'] as const) {
    parked
      .command(`${action} <subscriber> <position>`)
      .description(`${action} a failed parked event, then release its stream's events behind it`)
      .action(async (subscriber: string, position: string, _options: unknown, command: Command) => {
        const at = integer('position')(position);
        await actOnParked(configFor(io, command), io, action, subscriber, at);
      });
  }
}

/**
 * Runs the `strata` command line `args` (without the node and script paths) against `io`, and
 * resolves with the exit code. Failures are one line on `io.stderr`, no stack trace (set
 * STRATA_DEBUG=1 to see it); nothing here exits the process, so tests run commands in-process.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = rootCommand(io);
  addServerCommands(program, io);
  addLogCommands(program, io);
  addProjectionCommands(program, io);
  addParkedCommands(program, io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already said what was wrong with the command line (or printed the help).
    if (error instanceof CommanderError && !(error instanceof InvalidArgumentError)) {
      return error.exitCode;
    }
    const message = isStrataError(error) || error instanceof Error ? error.message : String(error);
    io.stderr(`strata: ${message}\n`);
    if (io.env.STRATA_DEBUG === '1') io.stderr(`${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
