import { setTimeout as sleep } from 'node:timers/promises';

import type { NatsConnection } from '@nats-io/nats-core';

import { connectJetStream } from '../bus/index.js';
import type { CommandBus } from '../domain/index.js';
import { StrataError } from '../errors.js';
import { retrying } from '../retry.js';
import type {
  PostgresEventStore,
  SqlDriver,
  SqlExecutor,
  TransactionalEventStore,
} from '../store/index.js';

/** What an app's bus consumer is started with. */
export interface AppBusConsumerContext {
  /** A connection of its own to the servers the forwarder publishes to. */
  readonly connection: NatsConnection;
  /** The app's own store. */
  readonly store: PostgresEventStore;
  /**
   * The store's driver, but whose transactions are the store's own: give it to
   * `startBusConsumer`, and `inTransaction(context.sql)` in the handler appends and sends
   * commands in the inbox's transaction (on PGlite, the one connection: any other write there
   * would wait for the inbox's transaction forever).
   */
  readonly driver: SqlDriver;
  /** The store and command bus bound to the transaction `sql` of `driver`. */
  readonly inTransaction: (sql: SqlExecutor) => {
    readonly store: TransactionalEventStore;
    readonly commands: CommandBus;
  };
  readonly onError: (error: unknown) => void;
}

/** What the app gives its bus consumers. */
export interface BusConsumerServices {
  readonly store: PostgresEventStore;
  /** A command bus whose commands append through `store` (a transaction-bound one). */
  readonly commandsOn: (store: TransactionalEventStore) => CommandBus;
  readonly onError: (error: unknown) => void;
}

/** `services` as a consumer sees them: a driver whose transactions are the store's. */
function consumerContext(
  services: BusConsumerServices,
  connection: NatsConnection,
): AppBusConsumerContext {
  const { store, commandsOn, onError } = services;
  const bound = new WeakMap<SqlExecutor, TransactionalEventStore>();
  const transaction = <T>(work: (tx: SqlExecutor) => Promise<T>) =>
    store.transaction((tx) => {
      bound.set(tx.sql, tx);
      return work(tx.sql);
    });
  const driver = new Proxy(store.driver, {
    get: (target, property) => {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const inTransaction = (sql: SqlExecutor) => {
    const tx = bound.get(sql);
    if (tx === undefined) throw new Error('No transaction of the consumer driver is open here');
    return { store: tx, commands: commandsOn(tx) };
  };
  return { connection, store, driver, inTransaction, onError };
}

/**
 * A consumer of other apps' events from the bus, run beside the app's subscribers: how one
 * service of a system integrates with another over NATS only (`startBusConsumer` inside).
 */
export interface AppBusConsumer {
  readonly name: string;
  start(context: AppBusConsumerContext): Promise<{ stop(): Promise<void> }>;
}

/** The app consumes from the bus, but no NATS server is configured. */
export class BusRequiredError extends StrataError {
  readonly code = 'BUS_REQUIRED';
}

/** Throws `BusRequiredError` when there are `consumers` but no NATS `servers` to read from. */
export function requireBus(
  consumers: readonly AppBusConsumer[],
  servers: string | readonly string[] | undefined,
): void {
  if (consumers.length > 0 && servers === undefined) {
    throw new BusRequiredError(
      `The app consumes from the bus (${consumers.map((c) => c.name).join(', ')}): set NATS_URL`,
    );
  }
}

/** The consumers running, and how to stop them and their connection. */
export interface RunningBusConsumers {
  stop(): Promise<void>;
}

type Started = { stop(): Promise<void> } | undefined;

/**
 * Starts `consumer` in the background, again and again until it starts or `signal` aborts: the
 * stream it reads may not exist yet (its publisher, another service, starts later). The first
 * failure is reported, then one in ten.
 */
async function startWhenPossible(
  consumer: AppBusConsumer,
  context: AppBusConsumerContext,
  signal: AbortSignal,
): Promise<Started> {
  try {
    return await retrying(() => consumer.start(context), {
      retryIf: () => !signal.aborted,
      onFailure: (error, attempt) => {
        if (attempt % 10 === 1) context.onError(error);
      },
      delayMs: (attempt) => Math.min(2_000, 100 * 2 ** attempt),
      wait: (ms) => sleep(ms, undefined, { signal }),
    });
  } catch (error) {
    if (!signal.aborted) context.onError(error);
    return undefined;
  }
}

/**
 * Connects to `servers` and starts every consumer in the background (a consumer whose stream
 * is not there yet is retried until it is); `stop` stops those started and the connection.
 */
export async function startAppBusConsumers(
  consumers: readonly AppBusConsumer[],
  servers: string | readonly string[] | undefined,
  services: BusConsumerServices,
): Promise<RunningBusConsumers> {
  requireBus(consumers, servers);
  if (consumers.length === 0 || servers === undefined) return { stop: () => Promise.resolve() };
  const { nc } = await connectJetStream({ servers, timeoutMs: 5_000, name: 'strata-consumers' });
  const aborter = new AbortController();
  const full = consumerContext(services, nc);
  const starts = consumers.map((consumer) => startWhenPossible(consumer, full, aborter.signal));
  return {
    async stop() {
      aborter.abort();
      try {
        for (const started of (await Promise.all(starts)).reverse()) await started?.stop();
      } finally {
        await nc.close();
      }
    },
  };
}
