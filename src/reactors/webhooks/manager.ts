import type { SqlDriver } from '../../store/index.js';
import { UnknownSubscriberError, type SubscriptionEngine } from '../../subscriptions/index.js';
import { attemptRecorder, pruneAttempts, type AttemptRecorder } from '../attempt-log.js';
import type { ScheduledRetries } from '../retry-schedule.js';
import { sideEffectSubscriber } from '../side-effect.js';
import { webhookEffect } from './endpoint-effect.js';
import { listEndpoints, webhookSubscriberName } from './endpoints.js';
import { webhookRetries, type WebhookSettings } from './settings.js';

/** What `startWebhooks` needs. */
export interface WebhookManagerOptions {
  readonly driver: SqlDriver;
  readonly engine: SubscriptionEngine;
  readonly settings: WebhookSettings;
  /** The clock of failing times (tests); default `Date.now`. */
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Where deliveries are recorded; default the delivery log on `driver`. */
  readonly recordAttempts?: AttemptRecorder;
}

/** The webhook endpoints a system delivers to, kept in step with the database. */
export interface WebhookManager {
  /** Starts delivering: reads the endpoints now, then every `refreshMs`. */
  start(): Promise<void>;
  /** Reads the endpoints now and starts, restarts or stops their subscribers to match. */
  refresh(): Promise<void>;
  readonly settings: WebhookSettings;
  /** The subscribers of the enabled endpoints, with their retry schedule. */
  schedules(): ScheduledRetries[];
  /** Stops reading the endpoints (their subscribers stop with the engine). */
  stop(): void;
}

const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Once started, runs a subscriber per enabled endpoint (`effect:webhook:<id>`), in every process, each
 * under its lease as any subscriber: endpoints added, changed, disabled or removed anywhere
 * are picked up within `refreshMs`, at once when through this process. Prunes the delivery log.
 */
export function createWebhooks(options: WebhookManagerOptions): WebhookManager {
  const { driver, engine, settings, now = Date.now, onError = () => undefined } = options;
  const { recordAttempts = attemptRecorder(driver) } = options;
  // Subscriber name → the endpoint's `updatedAt` it was started with.
  const running = new Map<string, number>();
  let lastPrune = 0;
  let pending = Promise.resolve();

  async function sync(): Promise<void> {
    const endpoints = (await listEndpoints(driver)).filter((endpoint) => endpoint.enabled);
    const wanted = new Map(
      endpoints.map((endpoint) => [webhookSubscriberName(endpoint.id), endpoint]),
    );
    for (const [name, version] of running) {
      if (wanted.get(name)?.updatedAt.getTime() === version) continue;
      running.delete(name);
      // Already removed by the request that deleted its endpoint here.
      await engine.remove(name).catch((error: unknown) => {
        if (!(error instanceof UnknownSubscriberError)) throw error;
      });
    }
    for (const [name, endpoint] of wanted) {
      if (running.has(name)) continue;
      const effect = webhookEffect(endpoint, {
        sql: driver,
        settings,
        now,
        onDisabled: () => void refresh(),
      });
      engine.add(sideEffectSubscriber(effect, { mailer: undefined }, recordAttempts));
      running.set(name, endpoint.updatedAt.getTime());
    }
    if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await pruneAttempts(driver, settings.deliveryLogRetentionMs);
    }
  }

  function refresh(): Promise<void> {
    // One sync at a time, in the order asked: a later one sees what the earlier one did.
    pending = pending.then(sync).catch(onError);
    return pending;
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    settings,
    start() {
      timer ??= setInterval(() => void refresh(), settings.refreshMs);
      timer.unref();
      return refresh();
    },
    refresh: () => (timer === undefined ? Promise.resolve() : refresh()),
    schedules: () =>
      [...running.keys()].map((subscriber) => webhookRetries(subscriber, settings.scheduleMs)),
    stop() {
      clearInterval(timer);
    },
  };
}
