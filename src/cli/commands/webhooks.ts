import type { StrataConfig } from '../../app/config.js';
import { appRegistry } from '../../app/index.js';
import {
  DEFAULT_WEBHOOK_SETTINGS,
  deleteEndpoint,
  effectStatus,
  endpointRulesOf,
  endpointChangesInput,
  getEndpoint,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  newEndpointInput,
  rotateSecret,
  rotationSecretInput,
  secretsInUse,
  setEndpointEnabled,
  updateEndpoint,
  webhookRetries,
  webhookSubscriberName,
  type EndpointRules,
  type WebhookEndpoint,
} from '../../reactors/index.js';
import type { SqlDriver } from '../../store/index.js';
import { createParkedEvents } from '../../subscriptions/index.js';
import { openExistingDriver } from '../existing-store.js';
import { loadApp } from '../open-system.js';
import { print } from './sessions.js';

/** Runs `work` on the configured store's driver, closing it after. */
async function withDriver<T>(config: StrataConfig, work: (driver: SqlDriver) => Promise<T>) {
  const driver = await openExistingDriver(config);
  try {
    return await work(driver);
  } finally {
    await driver.close();
  }
}

/**
 * The event types an endpoint may ask for: the app's (`--app`), so a typo is refused; without
 * an app, those the log holds so far.
 */
async function rulesFor(config: StrataConfig, driver: SqlDriver): Promise<EndpointRules> {
  if (config.app !== undefined) {
    return endpointRulesOf(appRegistry(await loadApp(config)));
  }
  const rows = await driver.query<{ type: string }>('SELECT DISTINCT type FROM events');
  return { eventTypes: rows.map((row) => row.type) };
}

const line = (endpoint: WebhookEndpoint) =>
  [
    endpoint.id,
    endpoint.enabled ? 'enabled' : `disabled (${endpoint.disabledReason ?? ''})`,
    endpoint.url,
    endpoint.eventTypes?.join(',') ?? 'all events',
    endpoint.description,
  ]
    .filter((part) => part !== '')
    .join('\t');

/** `strata webhooks list`. */
export const listWebhooks = (config: StrataConfig) =>
  withDriver(config, async (driver) => {
    const endpoints = await listEndpoints(driver);
    for (const endpoint of endpoints) print(line(endpoint));
    if (endpoints.length === 0) print('No webhook endpoints.');
  });

/** `strata webhooks add URL`: registers it and prints its id and secret. */
export const addWebhook = (
  config: StrataConfig,
  url: string,
  options: { events?: string[]; description?: string; secret?: string },
) =>
  withDriver(config, async (driver) => {
    const input = newEndpointInput(
      {
        url,
        ...(options.events === undefined ? {} : { eventTypes: options.events }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.secret === undefined ? {} : { secret: options.secret }),
      },
      await rulesFor(config, driver),
    );
    const endpoint = await insertEndpoint(driver, input);
    print(`Registered ${endpoint.id}: ${line(endpoint)}`);
    print(`Secret: ${input.secret}`);
    print('Running servers deliver to it within a few seconds; events before now are not sent.');
  });

/** `strata webhooks update ID`: a new URL, event types (`all`: every event) or description. */
export const updateWebhook = (
  config: StrataConfig,
  id: string,
  options: { url?: string; events?: string[]; description?: string },
) =>
  withDriver(config, async (driver) => {
    const all = options.events?.length === 1 && options.events[0] === 'all';
    const changes = endpointChangesInput(
      {
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.events === undefined ? {} : { eventTypes: all ? null : options.events }),
        ...(options.description === undefined ? {} : { description: options.description }),
      },
      await rulesFor(config, driver),
    );
    print(line(await updateEndpoint(driver, id, changes)));
  });

/** `strata webhooks show ID`: the endpoint and where its deliveries stand. */
export const showWebhook = (config: StrataConfig, id: string) =>
  withDriver(config, async (driver) => {
    const endpoint = await getEndpoint(driver, id);
    const subscriber = webhookSubscriberName(id);
    const scheduleMs = config.webhooks?.scheduleMs ?? DEFAULT_WEBHOOK_SETTINGS.scheduleMs;
    const status = await effectStatus(
      driver,
      createParkedEvents(driver),
      subscriber,
      webhookRetries(subscriber, scheduleMs),
    );
    print(line(endpoint));
    print(
      `Delivered ${status.delivered}, failed attempts ${status.failedAttempts}, ` +
        `retrying ${status.retrying}, parked ${status.parked}, held behind them ${status.heldBehind}`,
    );
    if (endpoint.failingSince !== undefined)
      print(`Failing since ${endpoint.failingSince.toISOString()}`);
    if (status.lastError !== undefined)
      print(`Last error (${status.lastError.at.toISOString()}): ${status.lastError.message}`);
  });

/** `strata webhooks remove ID`: the endpoint, its checkpoint, parked events and log. */
export const removeWebhook = (config: StrataConfig, id: string) =>
  withDriver(config, async (driver) => {
    await deleteEndpoint(driver, id);
    print(`Removed ${id}.`);
  });

/** `strata webhooks enable|disable ID`. */
export const enableWebhook = (
  config: StrataConfig,
  id: string,
  enabled: boolean,
  reason?: string,
) =>
  withDriver(config, async (driver) => {
    print(line(await setEndpointEnabled(driver, id, enabled, reason)));
  });

/** `strata webhooks rotate-secret ID`: prints the new secret; the old ones sign on for the grace. */
export const rotateWebhookSecret = (config: StrataConfig, id: string, secret?: string) =>
  withDriver(config, async (driver) => {
    const next = rotationSecretInput(secret === undefined ? {} : { secret });
    const graceMs = config.webhooks?.secretGraceMs ?? DEFAULT_WEBHOOK_SETTINGS.secretGraceMs;
    const graceEndsAt = new Date(Date.now() + graceMs);
    await rotateSecret(driver, id, next, graceEndsAt);
    print(`Secret: ${next}`);
    print(`The previous secrets sign beside it until ${graceEndsAt.toISOString()}.`);
  });

/** `strata webhooks secret ID`: the secrets deliveries are signed with now. */
export const showWebhookSecret = (config: StrataConfig, id: string) =>
  withDriver(config, async (driver) => {
    const [current, ...previous] = secretsInUse(await getEndpoint(driver, id), Date.now());
    print(`Secret: ${current ?? ''}`);
    for (const secret of previous) print(`Previous (in its grace period): ${secret}`);
  });

/** `strata webhooks deliveries ID`: its delivery log, newest first. */
export const listWebhookDeliveries = (
  config: StrataConfig,
  id: string,
  options: { limit: number; failed: boolean },
) =>
  withDriver(config, async (driver) => {
    await getEndpoint(driver, id);
    const attempts = await listAttempts(driver, {
      subscriber: webhookSubscriberName(id),
      limit: options.limit,
      ...(options.failed ? { outcome: 'failed' as const } : {}),
    });
    for (const attempt of attempts) {
      print(
        [
          attempt.attemptedAt.toISOString(),
          attempt.outcome,
          attempt.httpStatus ?? '-',
          `${attempt.durationMs} ms`,
          `attempt ${attempt.attempt}`,
          attempt.eventType,
          attempt.eventId,
          attempt.error ?? '',
        ]
          .join('\t')
          .trimEnd(),
      );
    }
    if (attempts.length === 0) print('No deliveries yet.');
  });
