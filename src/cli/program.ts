import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { resolveConfig, type StrataConfig } from '../app/config.js';
import { isStrataError } from '../errors.js';
import { addBusCommands, busCommand } from './bus-program.js';
import { addLakeCommands } from './lake-program.js';
import { addBusResync } from './commands/bus-resync.js';
import { tailEvents } from './commands/events-tail.js';
import { migrateCommand } from './commands/migrate.js';
import { actOnParked, listParked } from './commands/parked.js';
import {
  abandonProjectionBuild,
  listProjections,
  rebuildProjection,
} from './commands/projections.js';
import { showStatus } from './commands/status.js';
import { listStreams, showStream } from './commands/streams.js';
import { serve } from './serve.js';
import { addWebhookCommands } from './webhooks-program.js';

/** How a launcher runs the CLI. */
export interface CliOptions {
  /**
   * Settings used when neither flags, environment nor config file give them: `npm start`
   * names the devpie example as the app this way. The `strata` command itself has none.
   */
  readonly defaults?: Partial<StrataConfig>;
}

interface GlobalOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly schema?: string;
  readonly app?: string;
}

/** The configuration of one command run: flags, then environment, file and defaults. */
type ConfigFor = (command: Command, extra?: Partial<StrataConfig>) => StrataConfig;

const integer =
  (name: string, minimum = 0) =>
  (text: string) => {
    if (!/^\d+$/.test(text) || Number(text) < minimum) {
      throw new InvalidArgumentError(
        minimum === 0
          ? `${name} must be a whole number`
          : `${name} must be a whole number ≥ ${minimum}`,
      );
    }
    return Number(text);
  };

function configReader(defaults: Partial<StrataConfig>): ConfigFor {
  return (command, extra = {}) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    return resolveConfig({
      env: process.env,
      defaults,
      ...(globals.config === undefined ? {} : { file: globals.config }),
      flags: {
        dataDir: globals.dataDir,
        databaseUrl: globals.databaseUrl,
        schema: globals.schema,
        app: globals.app,
        ...extra,
      },
    });
  };
}

function addServe(program: Command, configFor: ConfigFor): void {
  program
    .command('serve')
    .description(
      'serve the app over HTTP (PGlite in the data dir, or PostgreSQL with DATABASE_URL)',
    )
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
    .description('create the store, or bring its schema up to date')
    .action(async (_options: unknown, command: Command) => {
      await migrateCommand(configFor(command));
    });
  program
    .command('status')
    .description('whether the database takes writes, and any transaction holding readers back')
    .action(async (_options: unknown, command: Command) => {
      await showStatus(configFor(command));
    });
}

function addLogReaders(program: Command, configFor: ConfigFor): void {
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
    .addOption(
      new Option('--from <version>', 'first version').default(1).argParser(integer('from')),
    )
    .addOption(new Option('--limit <n>', 'how many').default(100).argParser(integer('limit')))
    .action(
      async (streamId: string, options: { from: number; limit: number }, command: Command) => {
        await showStream(configFor(command), streamId, options);
      },
    );
  program
    .command('events')
    .description('read the global log')
    .command('tail')
    .description('print the whole log from a cursor; with --follow keep printing new events')
    .option('--after <cursor>', 'start after this cursor')
    .addOption(
      new Option('--limit <n>', 'events per read (page size)')
        .default(1000)
        .argParser(integer('limit', 1)),
    )
    .addOption(new Option('--max <n>', 'stop after this many events').argParser(integer('max', 1)))
    .option('-f, --follow', 'keep following new events until Ctrl-C', false)
    .action(
      async (
        options: { after?: string; limit: number; max?: number; follow: boolean },
        command: Command,
      ) => {
        await tailEvents(configFor(command), options);
      },
    );
}

function addProjections(program: Command, configFor: ConfigFor): void {
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
}

function addParked(program: Command, configFor: ConfigFor): void {
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
}

/** The `strata` command line, its settings falling back to `defaults`. */
export function createProgram(defaults: Partial<StrataConfig> = {}): Command {
  const program = new Command('strata')
    .description('Strata: CQRS and event sourcing for TypeScript')
    .showHelpAfterError('(run with --help for usage)')
    // Commander reports usage errors itself, then throws instead of exiting: `runCli` may run
    // inside a process that must go on (a launcher, a test).
    .exitOverride()
    .option('--config <file>', 'JSON config file (default: ./strata.config.json if present)')
    .option('--data-dir <dir>', 'PGlite data directory (default .strata)')
    .option(
      '--database-url <url>',
      'PostgreSQL URL; overrides DATABASE_URL, uses PostgreSQL instead of PGlite',
    )
    .option('--schema <name>', 'PostgreSQL schema of Strata tables (default strata)')
    .option('--app <module>', 'module exporting the app (env STRATA_APP)');
  const configFor = configReader(defaults);
  addServe(program, configFor);
  addLogReaders(program, configFor);
  addProjections(program, configFor);
  addParked(program, configFor);
  addBusCommands(program, configFor);
  addBusResync(busCommand(program), configFor, integer('from'));
  addLakeCommands(program, configFor);
  addWebhookCommands(program, configFor);
  return program;
}

/**
 * Runs the `strata` command line `argv` (as `process.argv`); a failure is one line on standard
 * error and exit code 1 (set `STRATA_DEBUG=1` for the stack trace).
 */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<void> {
  try {
    await createProgram(options.defaults).parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = isStrataError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`strata: ${message}\n`);
    if (process.env.STRATA_DEBUG === '1') console.error(error);
    process.exitCode = 1;
  }
}
