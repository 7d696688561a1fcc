import { InvalidArgumentError, Option, type Command } from 'commander';

import type { StrataConfig } from '../app/config.js';
import { FORWARDER_SUBSCRIBER } from '../bus/index.js';
import { DEFAULT_NATS_URL } from './commands/bus-connection.js';
import {
  addBusConsumer,
  listBusConsumers,
  parseDurations,
  parseDuration,
} from './commands/bus-consumers.js';
import { showBusStatus } from './commands/bus-status.js';

const positive = (text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError('must be a whole number ≥ 1');
  }
  return Number(text);
};

/** `--nats-url`, else the configured servers (`NATS_URL`, the file's `nats.servers`), else the local default. */
const natsUrlOf = (command: Command, config: StrataConfig): string =>
  command.optsWithGlobals<{ natsUrl?: string }>().natsUrl ??
  config.nats?.servers.join(',') ??
  DEFAULT_NATS_URL;

/** The `bus` command group, made once whoever adds to it first. */
export function busCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'bus') ??
    program
      .command('bus')
      .description('the NATS JetStream bus: streams and durable consumers')
      .option('--nats-url <url>', `NATS server (default NATS_URL, else ${DEFAULT_NATS_URL})`)
  );
}

/** Adds `strata bus status` and `strata bus consumers list|add`. */
export function addBusCommands(
  program: Command,
  configFor: (command: Command) => StrataConfig,
): void {
  const bus = busCommand(program);
  bus
    .command('status')
    .description("streams, their subjects and message counts, and the forwarder's lag")
    .option('--stream <name>', 'only this stream (default: every stream)')
    .option('--forwarder <subscriber>', "the forwarder's subscriber name", FORWARDER_SUBSCRIBER)
    .action(async (options: { stream?: string; forwarder: string }, command: Command) => {
      await showBusStatus(configFor(command), {
        ...options,
        natsUrl: natsUrlOf(command, configFor(command)),
      });
    });
  const consumers = bus.command('consumers').description('durable consumers of the bus');
  consumers
    .command('list')
    .description('list durable consumers with their filter and delivery settings')
    .option('--stream <name>', 'only this stream (default: every stream)')
    .action(async (options: { stream?: string }, command: Command) => {
      await listBusConsumers(natsUrlOf(command, configFor(command)), options.stream);
    });
  consumers
    .command('add <durable>')
    .description('create a durable pull consumer, or update its delivery settings')
    .requiredOption('--stream <name>', 'the stream')
    .requiredOption('--filter <subject>', 'its one filter subject (wildcards allowed)')
    .addOption(new Option('--max-deliver <n>', 'deliveries before parking').argParser(positive))
    .addOption(new Option('--ack-wait <duration>', 'e.g. 30s').argParser(parseDuration))
    .addOption(new Option('--backoff <durations>', 'e.g. 1s,5s,30s').argParser(parseDurations))
    .action(
      async (
        durable: string,
        options: {
          stream: string;
          filter: string;
          maxDeliver?: number;
          ackWait?: number;
          backoff?: number[];
        },
        command: Command,
      ) => {
        await addBusConsumer(durable, {
          natsUrl: natsUrlOf(command, configFor(command)),
          stream: options.stream,
          filter: options.filter,
          ...(options.maxDeliver === undefined ? {} : { maxDeliver: options.maxDeliver }),
          ...(options.ackWait === undefined ? {} : { ackWaitMs: options.ackWait }),
          ...(options.backoff === undefined ? {} : { backoffMs: options.backoff }),
        });
      },
    );
}
