import type { StrataConfig } from '../../app/config.js';
import { migrate } from '../../store/index.js';
import { openDriver } from '../open-system.js';
import { print } from './sessions.js';

/** `strata migrate`: creates the store, or brings its schema up to date. */
export async function migrateCommand(config: StrataConfig): Promise<void> {
  const driver = await openDriver(config);
  try {
    const { applied } = await migrate(driver);
    print(applied.length === 0 ? 'The schema is up to date.' : `Applied ${applied.join(', ')}.`);
  } finally {
    await driver.close();
  }
}
