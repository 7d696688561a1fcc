import type { StrataConfig } from '../../app/config.js';
import { describeHolder, type PostgresEventStore } from '../../store/index.js';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  DEFAULT_WEBHOOK_SETTINGS,
  effectStatus,
  webhookRetries,
  type ScheduledRetries,
} from '../../reactors/index.js';
import { createParkedEvents, storedSubscriberProgress } from '../../subscriptions/index.js';
import { print, withStore } from './sessions.js';

/** The line naming the transaction that holds every reader back, if one has for a while. */
export async function horizonLine(store: PostgresEventStore): Promise<string | undefined> {
  const { heldBy, seesAllSessions } = await store.horizon();
  if (heldBy === undefined) {
    return seesAllSessions
      ? undefined
      : "Strata's database role cannot see other roles' transactions, so it cannot name one " +
          'that holds readers back: grant it pg_read_all_stats.';
  }
  const ending =
    heldBy.pid === null
      ? `ROLLBACK PREPARED '${heldBy.preparedAs ?? ''}'`
      : `SELECT pg_terminate_backend(${heldBy.pid})`;
  return (
    `Readers are held back by an open transaction: ${describeHolder(heldBy)}. ` +
    `No reader passes it until it ends (${ending} ends it).`
  );
}

/**
 * The schedule a side effect's parked events are retried on, as far as the CLI knows: a
 * webhook's from the configuration, the others' default (an app may set its own).
 */
function scheduleOf(subscriber: string, config: StrataConfig): ScheduledRetries {
  return subscriber.startsWith('effect:webhook:')
    ? webhookRetries(subscriber, config.webhooks?.scheduleMs ?? DEFAULT_WEBHOOK_SETTINGS.scheduleMs)
    : { subscriber, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, attemptsBeforeParking: 2 };
}

/** The line on a side effect's deliveries: delivered, retrying, parked, last error. */
async function effectLine(
  store: PostgresEventStore,
  subscriber: string,
  config: StrataConfig,
): Promise<string> {
  const status = await effectStatus(
    store.driver,
    createParkedEvents(store.driver),
    subscriber,
    scheduleOf(subscriber, config),
  );
  const lastError =
    status.lastError === undefined
      ? ''
      : `; last error ${status.lastError.at.toISOString()}: ${status.lastError.message}`;
  return (
    `  delivered ${status.delivered}, failed attempts ${status.failedAttempts}, ` +
    `retrying ${status.retrying}, parked ${status.parked}${lastError}`
  );
}

/** `strata status`: whether the database takes writes, each subscriber, what holds readers back. */
export async function showStatus(config: StrataConfig): Promise<void> {
  await withStore(config, async (store) => {
    const { writable, reason } = await store.availability();
    print(`Database: ${writable ? 'accepts writes' : `does not accept writes (${reason})`}`);
    for (const subscriber of await storedSubscriberProgress(store)) {
      const unread = `${subscriber.unreadComplete ? '' : '≥ '}${subscriber.unreadEvents}`;
      const parked = subscriber.parked === 0 ? '' : `, ${subscriber.parked} parked`;
      print(
        `${subscriber.name}\tat ${subscriber.handled}\t${unread} events unread${parked}` +
          `\tsaved ${subscriber.updatedAt.toISOString()}`,
      );
      if (subscriber.name.startsWith('effect:')) {
        print(await effectLine(store, subscriber.name, config));
      }
    }
    print(
      (await horizonLine(store)) ?? 'Visibility horizon: no open transaction holds readers back.',
    );
  });
}
