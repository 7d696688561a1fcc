import {
  createBusForwarder,
  type BusForwarder,
  type BusForwarderOptions,
  type RelayObserver,
} from '../bus/index.js';
import {
  createCommandBus,
  type CommandBus,
  type CommandEnvelope,
  type ValidationContext,
} from '../domain/index.js';
import { createLakeArchiver, type LakeArchiver, type LakeArchiverOptions } from '../lake/index.js';
import type { MessageRegistry } from '../messages/index.js';
import {
  createStrataMetrics,
  metricsObservers,
  type StrataMetrics,
} from '../observability/index.js';
import { createProjectionRuntime, type ProjectionRuntime } from '../projections/index.js';
import { createQueryRunner, type QueryRunner } from '../queries/index.js';
import {
  addSideEffects,
  attemptRecorder,
  createWebhooks,
  DEFAULT_WEBHOOK_SETTINGS,
  startRetryScheduler,
  type CdnPurger,
  type WebhookManager,
  type WebhookSettings,
  type Mailer,
  type RetrySchedulerOptions,
  type SystemEffects,
} from '../reactors/index.js';
import type { CommandRetryPolicy } from '../retry.js';
import {
  createPostgresEventStore,
  type PostgresEventStore,
  type SqlDriver,
} from '../store/index.js';
import {
  createSubscriptionEngine,
  type SubscriberActivity,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../subscriptions/index.js';
import {
  backfillUniqueClaims,
  uniqueClaimsHook,
  UniqueValueTakenError,
} from '../uniqueness/index.js';
import { appRegistry, type AppDefinition, type ReactorDefinition } from './define-app.js';
import { requireBus, startAppBusConsumers, type RunningBusConsumers } from './bus-consumers.js';

/** What `createSystem` needs: the app to run and the driver of its store. */
export interface SystemOptions {
  readonly app: AppDefinition;
  readonly driver: SqlDriver;
  /** Largest event accepted, in bytes; default 1 MiB. */
  readonly maxEventBytes?: number;
  /** How long a command retries a race lost to another process (`deadlineMs`, default 5 s). */
  readonly commandRetry?: Partial<CommandRetryPolicy>;
  /** Told about failures that are retried, parked or survived (subscribers, syncing). */
  readonly onError?: (error: unknown, source: string) => void;
  /**
   * Told what each subscriber (projections, reactors) goes through: failures and what follows
   * them (retry, parking, stop), lease changes. `strata serve` logs them.
   */
  readonly onSubscriberActivity?: (subscriber: string, activity: SubscriberActivity) => void;
  /** The bus forwarder's settings: given, every event is also published to NATS JetStream. */
  readonly bus?: Omit<BusForwarderOptions, 'app' | 'parkedCursors' | 'onError'>;
  /** The lake archiver's settings: given, every event is also archived, by the hour. */
  readonly lake?: Omit<LakeArchiverOptions, 'onError'>;
  /** Sends the app's e-mail effects' mail; without it they do not run (and the banner says so). */
  readonly mailer?: Mailer;
  /** Purges for the app's CDN effects; without it they do not run. */
  readonly cdn?: CdnPurger;
  /** How webhooks are delivered (timeouts, schedule, disabling); default `DEFAULT_WEBHOOK_SETTINGS`. */
  readonly webhooks?: Partial<WebhookSettings>;
  /** The clock and tick of the side effects' retry schedule (tests); default the real ones. */
  readonly retryScheduler?: Pick<RetrySchedulerOptions, 'now' | 'intervalMs'>;
}

/** An app wired to its store: commands in, events through subscribers, queries out. */
export interface StrataSystem {
  readonly app: AppDefinition;
  readonly registry: MessageRegistry;
  readonly store: PostgresEventStore;
  readonly commands: CommandBus;
  readonly engine: SubscriptionEngine;
  readonly projections: ProjectionRuntime;
  readonly queries: QueryRunner;
  /** The bus forwarder, when the bus is configured. */
  readonly bus: BusForwarder | undefined;
  /** The lake archiver, when the lake is configured. */
  readonly lake: LakeArchiver | undefined;
  /** The app's side effects (e-mail, …): which run, which are off. */
  readonly effects: SystemEffects;
  /** The webhook endpoints registered in the store, each delivered to by its own subscriber. */
  readonly webhooks: WebhookManager;
  /** What the system has done, for `/metrics` (Prometheus). */
  readonly metrics: StrataMetrics;
  /** Starts projections, reactors and every other subscriber (the bus forwarder's stream first). */
  start(): Promise<void>;
  /** Stops subscribers after their batch in hand, then closes the store. */
  stop(): Promise<void>;
}

function reactorSubscriber(
  reactor: ReactorDefinition,
  commands: CommandBus,
  store: PostgresEventStore,
): SubscriberDefinition {
  return {
    name: `reactor:${reactor.name}`,
    filter: { types: reactor.eventTypes },
    async handle(events) {
      for (const event of events) {
        // The reactor's commands continue the event's conversation, caused by the event.
        const send = (envelope: CommandEnvelope) =>
          commands.send({
            ...envelope,
            metadata: {
              correlationId: event.metadata.correlationId ?? event.id,
              causationId: event.id,
              ...envelope.metadata,
            },
          });
        await reactor.handle(event, { send, store });
      }
    },
  };
}

/**
 * Makes every append through `store` honour the app's unique constraints, after claiming what
 * the log claimed before a constraint was first declared; duplicates already in the log are
 * reported, not fatal (the first claimer keeps the value).
 */
async function enforceUniqueConstraints(
  app: AppDefinition,
  store: PostgresEventStore,
  onError: (error: unknown, source: string) => void,
): Promise<void> {
  const constraints = app.uniqueConstraints ?? [];
  if (constraints.length === 0) return;
  store.addAppendHook(uniqueClaimsHook(constraints));
  for (const conflict of await backfillUniqueClaims(store, constraints)) {
    onError(
      new UniqueValueTakenError(conflict.scope, conflict.value, conflict.owner),
      `unique:${conflict.scope} backfill, event ${conflict.globalPosition} of ${conflict.claimant}`,
    );
  }
}

/** The forwarder `options.bus` asks for, registered with `engine`; `undefined` without a bus. */
function busForwarder(
  options: SystemOptions,
  registry: MessageRegistry,
  engine: SubscriptionEngine,
  onError: (error: unknown, source: string) => void,
  observer: RelayObserver,
): BusForwarder | undefined {
  if (options.bus === undefined) return undefined;
  const forwarder = createBusForwarder({
    ...options.bus,
    observer,
    app: options.app.name,
    registry,
    parkedCursors: async (subscriber) =>
      new Set((await engine.parked.list({ subscriber })).map((parked) => parked.cursor)),
    onError: (error) => {
      onError(error, 'bus forwarder');
    },
  });
  engine.add(forwarder.subscriber);
  return forwarder;
}

/**
 * Wires `app` to the database behind `driver`: registry, store (migrated), command bus,
 * subscription engine with the app's reactors, projections and queries. Nothing runs until
 * `start`.
 */
export async function createSystem(options: SystemOptions): Promise<StrataSystem> {
  const { app, driver, onError = () => undefined } = options;
  // Before the store is opened: an app that reads the bus cannot run without it.
  requireBus(app.busConsumers ?? [], options.bus?.servers);
  const registry = appRegistry(app);
  const metrics = createStrataMetrics();
  const observers = metricsObservers(metrics);
  const store = await createPostgresEventStore({
    driver,
    registry,
    onAppend: observers.onAppend,
    ...(options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes }),
  });
  await enforceUniqueConstraints(app, store, onError);
  // Validation hooks read through the queries, which exist only once projections do.
  const validation: ValidationContext = { query: (query, params) => queries.run(query, params) };
  const commands = createCommandBus({
    store,
    registry,
    handlers: app.commandHandlers,
    validation,
    onCommand: observers.onCommand,
    ...(options.commandRetry === undefined ? {} : { retry: options.commandRetry }),
  });
  const engine = createSubscriptionEngine({
    store,
    subscribers: (app.reactors ?? []).map((reactor) => reactorSubscriber(reactor, commands, store)),
    onError: (error, subscriber) => {
      onError(error, subscriber);
    },
    observer: observers.subscribers,
    ...(options.onSubscriberActivity === undefined
      ? {}
      : { onActivity: options.onSubscriberActivity }),
  });
  const bus = busForwarder(options, registry, engine, onError, observers.relay);
  const lake =
    options.lake === undefined
      ? undefined
      : createLakeArchiver({
          ...options.lake,
          onError: (error) => {
            onError(error, 'lake archiver');
          },
        });
  if (lake !== undefined) engine.add(lake.subscriber);
  const recordAttempts = attemptRecorder(driver, observers.onAttempts);
  const effects = addSideEffects(
    app.effects ?? [],
    engine,
    {
      mailer: options.mailer,
      cdn: options.cdn,
    },
    recordAttempts,
  );
  const webhooks = createWebhooks({
    driver,
    engine,
    recordAttempts,
    settings: { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks },
    ...(options.retryScheduler?.now === undefined ? {} : { now: options.retryScheduler.now }),
    onError: (error) => {
      onError(error, 'webhooks');
    },
  });
  const projections = createProjectionRuntime({
    store,
    engine,
    projections: app.projections ?? [],
    onError: (error) => {
      onError(error, 'projections');
    },
  });
  const queries: QueryRunner = createQueryRunner({
    store,
    registry,
    projections,
    queries: app.queries ?? [],
    horizon: (olderThanMs) => store.horizon({ olderThanMs }),
    observer: observers.queries,
  });
  let consumers: RunningBusConsumers | undefined;
  let retryScheduler: { stop(): void } | undefined;
  return {
    app,
    registry,
    store,
    commands,
    engine,
    projections,
    queries,
    bus,
    lake,
    effects,
    webhooks,
    metrics,
    async start() {
      // An incompatible stream, or no NATS at all, stops start-up before anything runs.
      await bus?.start();
      await projections.start();
      engine.start();
      await webhooks.start();
      retryScheduler = startRetryScheduler({
        ...options.retryScheduler,
        parked: engine.parked,
        subscribers: () => [...effects.schedules, ...webhooks.schedules()],
        onError: (error) => {
          onError(error, 'side-effect retries');
        },
      });
      consumers = await startAppBusConsumers(app.busConsumers ?? [], options.bus?.servers, {
        store,
        commandsOn: (tx) =>
          createCommandBus({
            // The transaction's store; commits and closing are the store's own.
            store: {
              ...tx,
              onCommit: (listener) => store.onCommit(listener),
              close: () => store.close(),
            },
            registry,
            handlers: app.commandHandlers,
            validation,
            onCommand: observers.onCommand,
          }),
        onError: (error) => {
          onError(error, 'bus consumers');
        },
      });
    },
    async stop() {
      try {
        await consumers?.stop();
        retryScheduler?.stop();
        webhooks.stop();
        await projections.stop();
        // The engine is told first, so the batch the forwarder gives up on is not parked.
        const engineStopped = engine.stop();
        lake?.stop();
        await bus?.stop();
        await engineStopped;
        options.lake?.sink.close();
        options.mailer?.close();
      } finally {
        // The store's connections are closed even if a subscriber fails to stop.
        await store.close();
      }
    },
  };
}
