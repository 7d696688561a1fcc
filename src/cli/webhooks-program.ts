import { InvalidArgumentError, Option, type Command } from 'commander';

import type { StrataConfig } from '../app/config.js';
import {
  addWebhook,
  enableWebhook,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  rotateWebhookSecret,
  showWebhook,
  showWebhookSecret,
  updateWebhook,
} from './commands/webhooks.js';

const list = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const limit = (text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  }
  return Number(text);
};

type ConfigFor = (command: Command) => StrataConfig;

/** Adds `strata webhooks list|add|show|update|remove|enable|disable|rotate-secret|secret|deliveries`. */
export function addWebhookCommands(program: Command, configFor: ConfigFor): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook endpoints: each gets the events it asks for, signed (Standard Webhooks)');
  webhooks
    .command('list')
    .description('every endpoint: id, state, URL, event types')
    .action(async (_options: unknown, command: Command) => {
      await listWebhooks(configFor(command));
    });
  webhooks
    .command('add <url>')
    .description('register an endpoint; prints its id and signing secret')
    .option('--events <types>', 'only these event types, comma-separated (default: all)', list)
    .option('--description <text>', 'what it is for')
    .option('--secret <whsec>', 'its signing secret (default: a new random one)')
    .action(
      async (
        url: string,
        options: { events?: string[]; description?: string; secret?: string },
        command: Command,
      ) => {
        await addWebhook(configFor(command), url, options);
      },
    );
  webhooks
    .command('show <id>')
    .description('an endpoint and its deliveries: delivered, retrying, parked, last error')
    .action(async (id: string, _options: unknown, command: Command) => {
      await showWebhook(configFor(command), id);
    });
  webhooks
    .command('update <id>')
    .description("change an endpoint's URL, event types (`all`: every event) or description")
    .option('--url <url>', 'the new URL')
    .option('--events <types>', 'event types, comma-separated, or all', list)
    .option('--description <text>', 'what it is for')
    .action(
      async (
        id: string,
        options: { url?: string; events?: string[]; description?: string },
        command: Command,
      ) => {
        await updateWebhook(configFor(command), id, options);
      },
    );
  webhooks
    .command('remove <id>')
    .description('remove an endpoint with its delivery log')
    .action(async (id: string, _options: unknown, command: Command) => {
      await removeWebhook(configFor(command), id);
    });
  webhooks
    .command('enable <id>')
    .description('enable an endpoint: deliveries resume where they stopped')
    .action(async (id: string, _options: unknown, command: Command) => {
      await enableWebhook(configFor(command), id, true);
    });
  webhooks
    .command('disable <id>')
    .description('stop delivering to an endpoint')
    .option('--reason <text>', 'why (shown with the endpoint)')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      await enableWebhook(configFor(command), id, false, options.reason);
    });
  webhooks
    .command('rotate-secret <id>')
    .description('a new signing secret; the old one signs beside it for the grace period')
    .option('--secret <whsec>', 'the new secret (default: a new random one)')
    .action(async (id: string, options: { secret?: string }, command: Command) => {
      await rotateWebhookSecret(configFor(command), id, options.secret);
    });
  webhooks
    .command('secret <id>')
    .description('the secrets deliveries are signed with now')
    .action(async (id: string, _options: unknown, command: Command) => {
      await showWebhookSecret(configFor(command), id);
    });
  webhooks
    .command('deliveries <id>')
    .description("an endpoint's delivery log, newest first")
    .addOption(new Option('--limit <n>', 'how many').default(50).argParser(limit))
    .option('--failed', 'only failed attempts', false)
    .action(async (id: string, options: { limit: number; failed: boolean }, command: Command) => {
      await listWebhookDeliveries(configFor(command), id, options);
    });
}
