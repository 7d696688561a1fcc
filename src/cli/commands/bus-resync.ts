import type { Command } from 'commander';

import { ConfigError, type StrataConfig } from '../../app/config.js';
import { connectJetStream, resyncStream, streamSettings } from '../../bus/index.js';
import { createMessageRegistry } from '../../messages/index.js';
import { openExistingStore } from '../existing-store.js';
import { loadApp } from '../open-system.js';
import { print } from './sessions.js';

/** `strata bus resync --from <position>`: re-publishes the log from there to the stream's tail. */
export async function resyncBus(config: StrataConfig, from: number): Promise<void> {
  const nats = config.nats;
  if (nats === undefined) {
    throw new ConfigError('No bus configured: set NATS_URL (or nats.servers in the config file)');
  }
  const app = await loadApp(config);
  const settings = streamSettings({
    app: app.name,
    servers: nats.servers,
    ...(nats.prefix === undefined ? {} : { prefix: nats.prefix }),
    ...(nats.stream === undefined ? {} : { stream: nats.stream }),
    parkedCursors: () => Promise.resolve(new Set()),
  });
  const store = await openExistingStore(config, createMessageRegistry(app.messages));
  const handles = await connectJetStream({
    servers: nats.servers,
    timeoutMs: 5_000,
    name: 'strata-resync',
  });
  try {
    const report = await resyncStream({
      ...handles,
      stream: settings.name,
      space: { app: app.name, ...(nats.prefix === undefined ? {} : { prefix: nats.prefix }) },
      maxMsgSize: settings.maxMsgSize,
      store,
      from,
    });
    print(
      `Re-published ${report.published} event(s) to ${settings.name}; ` +
        `${report.duplicates} dropped by the server as duplicates (within its window), ` +
        `${report.tooLarge} larger than max_msg_size left out.`,
    );
  } finally {
    await handles.nc.close();
    await store.close();
  }
}

/** Adds `resync` to the `strata bus` command group. */
export function addBusResync(
  bus: Command,
  configFor: (command: Command) => StrataConfig,
  position: (value: string) => number,
): void {
  bus
    .command('resync')
    .description("re-publish the log's events from a position up to the stream's tail")
    .requiredOption('--from <position>', 'first global position to re-publish', position)
    .action(async (options: { from: number }, command: Command) => {
      await resyncBus(configFor(command), options.from);
    });
}
