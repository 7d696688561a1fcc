import type { StrataConfig } from '../../app/config.js';
import { appRegistry } from '../../app/index.js';
import type { StrataSystem } from '../../app/system.js';
import type { PostgresEventStore } from '../../store/index.js';
import { openExistingDriver, openExistingStore } from '../existing-store.js';
import { loadApp, systemOn } from '../open-system.js';

/** Writes a line to standard output. */
export const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Runs `work` on the configured store, which must exist, and closes it after. With an app
 * configured, events are read through its registry (upcast); without one, as stored.
 */
export async function withStore<T>(
  config: StrataConfig,
  work: (store: PostgresEventStore) => Promise<T>,
): Promise<T> {
  const app = config.app === undefined ? undefined : await loadApp(config);
  const registry = app === undefined ? undefined : appRegistry(app);
  const store = await openExistingStore(config, registry);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Runs `work` on the configured app over the configured store, which must exist; stops it after. */
export async function withSystem<T>(
  config: StrataConfig,
  work: (system: StrataSystem) => Promise<T>,
): Promise<T> {
  const app = await loadApp(config);
  const system = await systemOn(config, app, await openExistingDriver(config));
  try {
    return await work(system);
  } finally {
    await system.stop();
  }
}
