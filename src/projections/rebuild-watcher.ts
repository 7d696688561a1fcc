import { LOG_START, type EventFilter, type PostgresEventStore } from '../store/index.js';
import { UnknownSubscriberError, type SubscriptionEngine } from '../subscriptions/index.js';

/** How a rebuild is going. */
export interface RebuildProgress {
  readonly projection: string;
  readonly generation: number;
  readonly eventsDone: number;
  readonly eventsRemaining: number;
  readonly eventsPerSecond: number;
  /** `undefined` until there is a rate to estimate from. */
  readonly etaSeconds: number | undefined;
  readonly done: boolean;
}

/** A rebuild under way: the new generation fills up while queries read the active one. */
export interface Rebuild {
  readonly projection: string;
  readonly generation: number;
  progress(): Promise<RebuildProgress>;
  /** Resolves when queries have switched to the new generation. */
  readonly done: Promise<void>;
}

/** What `watchRebuild` needs: the generation being built, its subscriber, and how to switch. */
export interface RebuildWatcherOptions {
  readonly store: PostgresEventStore;
  readonly engine: SubscriptionEngine;
  readonly projection: string;
  readonly generation: number;
  /** The subscriber filling the generation, and what it reads. */
  readonly subscriber: string;
  readonly filter: EventFilter;
  /** Close enough to the head to try switching: less than one batch behind. */
  readonly batchSize: number;
  readonly stopped: () => boolean;
  /**
   * Switches queries to the generation if it has reached what they read now (`behind` when
   * not yet: tried again on the next check); `gone` when it is no longer the one being built.
   */
  readonly promote: () => Promise<PromoteOutcome>;
}

/** What an attempt to switch queries to a building generation did. */
export type PromoteOutcome = 'promoted' | 'behind' | 'gone';

const CHECK_EVERY_MS = 100;

/** Watches a building generation, reports its progress, and promotes it once caught up. */
export function watchRebuild(options: RebuildWatcherOptions): Rebuild {
  const { store, engine, subscriber, filter, projection, generation } = options;
  let baseline: { done: number; at: number } | undefined;
  let finished = false;

  async function counts() {
    const checkpoint = await engine.checkpoint(subscriber);
    const [done, remaining] = await Promise.all([
      checkpoint === undefined ? { events: 0 } : store.backlog(LOG_START, filter, checkpoint),
      store.backlog(checkpoint, filter),
    ]);
    baseline ??= { done: done.events, at: Date.now() };
    return { done: done.events, remaining: remaining.events };
  }

  /**
   * Less than a batch behind means it follows the log live: under steady writes the backlog is
   * rarely exactly zero at the moment it is counted. The engine counts from how far the
   * subscriber has scanned, up to a cap, so a check costs the same however long the log is.
   * `undefined` once this process no longer runs the subscriber (the generation was retired).
   */
  async function closeToHead(): Promise<boolean | undefined> {
    try {
      const status = await engine.statusOf(subscriber);
      return (
        status.cursor !== undefined && status.lagComplete && status.lagEvents < options.batchSize
      );
    } catch (error) {
      if (error instanceof UnknownSubscriberError) return undefined;
      throw error;
    }
  }

  const done = (async () => {
    // Counted once at the start, so the rate `progress` reports runs from here.
    await counts();
    while (!options.stopped()) {
      const close = await closeToHead();
      // Whether it has really caught up with the generation queries read now, `promote`
      // decides, atomically.
      if (close === undefined || (close && (await options.promote()) !== 'behind')) {
        finished = true;
        return;
      }
      await new Promise((settle) => setTimeout(settle, CHECK_EVERY_MS));
    }
  })();

  return {
    projection,
    generation,
    done,
    async progress() {
      const { done: eventsDone, remaining } = await counts();
      const since = baseline ?? { done: eventsDone, at: Date.now() };
      const seconds = (Date.now() - since.at) / 1000;
      const eventsPerSecond = seconds > 0 ? (eventsDone - since.done) / seconds : 0;
      return {
        projection,
        generation,
        eventsDone,
        eventsRemaining: remaining,
        eventsPerSecond,
        etaSeconds: eventsPerSecond > 0 ? remaining / eventsPerSecond : undefined,
        done: finished,
      };
    },
  };
}
