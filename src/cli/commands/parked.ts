import type { StrataConfig } from '../../app/config.js';
import { createParkedEvents } from '../../subscriptions/index.js';
import { openExistingDriver } from '../existing-store.js';
import { print } from './sessions.js';

/** `strata parked list`: every parked event, or those of one subscriber. */
export async function listParked(
  config: StrataConfig,
  subscriber: string | undefined,
): Promise<void> {
  const driver = await openExistingDriver(config);
  try {
    const parked = await createParkedEvents(driver).list(
      subscriber === undefined ? {} : { subscriber },
    );
    for (const event of parked) {
      print(
        `${event.subscriber}\tposition ${event.globalPosition}\t${event.status}\t${event.streamId}@${event.streamVersion}` +
          `\t${event.eventType}\tattempts ${event.attempts}${event.error === undefined ? '' : `\t${event.error}`}`,
      );
    }
    if (parked.length === 0) print('No parked events.');
  } finally {
    await driver.close();
  }
}

const SAID = {
  handled: 'Retried: handled, and the events of its stream behind it were released.',
  skipped: 'Skipped; the events of its stream behind it were released.',
  'failed-again': 'Retried, and it failed again; it stays parked.',
  requested: 'Requested; the process running the subscriber will carry it out when it next runs.',
} as const;

/** `strata parked retry|skip SUB POS`: acts on a failed parked event and says how it went. */
export async function actOnParked(
  config: StrataConfig,
  action: 'retry' | 'skip',
  subscriber: string,
  position: number,
): Promise<void> {
  const driver = await openExistingDriver(config);
  try {
    const outcome = await createParkedEvents(driver)[action](subscriber, position, {
      waitMs: 5_000,
    });
    print(SAID[outcome]);
  } finally {
    await driver.close();
  }
}
