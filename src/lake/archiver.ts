import { setTimeout as sleep } from 'node:timers/promises';

import { backoffDelayMs, retrying } from '../retry.js';
import type { Cursor, StoredEvent } from '../store/index.js';
import type { SubscriberDefinition } from '../subscriptions/index.js';
import {
  hourOf,
  hourPrefix,
  parseObjectKey,
  type LakeLayout,
  type LakeObjectName,
} from './keys.js';
import { gzipped, lakeObjects } from './objects.js';
import type { LakeSink } from './sink.js';

/** The archiver's subscriber name: its checkpoint, lease and status. */
export const ARCHIVER_SUBSCRIBER = 'lake:archiver';

/** What `createLakeArchiver` needs. */
export interface LakeArchiverOptions {
  readonly sink: LakeSink;
  /** Key layout; default `plain` (`messages/YYYY/MM/DD/HH/…`). */
  readonly layout?: LakeLayout;
  /** Most events per object (and per batch); default 10,000. */
  readonly maxEvents?: number;
  /** Most bytes of uncompressed JSON lines per object; default 64 MiB. */
  readonly maxBytes?: number;
  /** How long a batch that is not full waits to fill before it is written; default 10 s. */
  readonly lingerMs?: number;
  /** The subscriber's name; default `ARCHIVER_SUBSCRIBER`. */
  readonly subscriberName?: string;
  /** Told of every failure to write; it is retried until it works. */
  readonly onError?: (error: unknown) => void;
}

/** The archiver as operators see it. */
export interface LakeArchiverStatus {
  readonly location: string;
  /** The cursor of the last event it stored or found stored, since this process started. */
  readonly archivedTo: Cursor | undefined;
  readonly lastError: string | undefined;
}

/** The lake archiver: a subscriber of the log that stores every event, by the hour. */
export interface LakeArchiver {
  readonly subscriber: SubscriberDefinition;
  /** Ends the retries in hand (call after telling the engine to stop). */
  stop(): void;
  status(): LakeArchiverStatus;
}

const RETRY = { baseDelayMs: 100, maxDelayMs: 5_000 };

/** The stored object whose range holds `event`, if any: objects never span an hour. */
async function objectHolding(
  sink: LakeSink,
  layout: LakeLayout,
  event: StoredEvent,
): Promise<LakeObjectName | undefined> {
  for await (const key of sink.list(hourPrefix(hourOf(event.recordedAt), layout))) {
    const name = parseObjectKey(key);
    if (name === undefined) continue;
    // Keys sort by their first cursor: past the event, no later object can hold it.
    if (name.from > event.cursor) return undefined;
    if (name.to >= event.cursor) return name;
  }
  return undefined;
}

/**
 * An archiver of every event of the log, exactly as stored, into hourly objects of `sink`.
 * The checkpoint moves only once a batch's objects are stored; after a start or a failure it
 * first looks in the lake for an object holding the next event (stored just before a crash,
 * the checkpoint not yet moved) and goes on after it, so no event is stored twice.
 *
 * @example
 * const archiver = createLakeArchiver({ sink: directorySink('./lake') });
 * engine.add(archiver.subscriber);
 */
export function createLakeArchiver(options: LakeArchiverOptions): LakeArchiver {
  const {
    sink,
    layout = 'plain',
    maxEvents = 10_000,
    maxBytes = 64 * 1024 * 1024,
    lingerMs = 10_000,
    onError = () => undefined,
  } = options;
  const stopping = new AbortController();
  // Until an event is found that no stored object begins with, the lake may be ahead.
  let probing = true;
  let archivedTo: Cursor | undefined;
  let lastError: string | undefined;

  /**
   * `events` less those an object already stored holds: those up to the last object this
   * process stored or found, and while probing, those the lake's objects hold (the engine may
   * hand over a batch that begins inside an object: after a retry one event at a time).
   */
  async function notYetStored(events: readonly StoredEvent[]): Promise<readonly StoredEvent[]> {
    let rest = events.filter((event) => archivedTo === undefined || event.cursor > archivedTo);
    for (let [first] = rest; probing && first !== undefined; [first] = rest) {
      const stored = await objectHolding(sink, layout, first);
      if (stored === undefined) {
        probing = false;
      } else {
        archivedTo = stored.to;
        rest = rest.filter((event) => event.cursor > stored.to);
      }
    }
    return rest;
  }

  async function archive(events: readonly StoredEvent[]): Promise<void> {
    try {
      const rest = await notYetStored(events);
      for (const object of lakeObjects(rest, { layout, maxEvents, maxBytes })) {
        const { count, sha256 } = object;
        await sink.put(object.key, { body: await gzipped(object), count, sha256 });
        archivedTo = object.to;
      }
    } catch (error) {
      // A put that failed may have been stored all the same (its reply was lost).
      probing = true;
      throw error;
    }
  }

  const subscriber: SubscriberDefinition = {
    name: options.subscriberName ?? ARCHIVER_SUBSCRIBER,
    asStored: true,
    batchSize: maxEvents,
    lingerMs,
    async handle(events) {
      // A failure to store is waited out, never parked: a parked event would be a gap.
      await retrying(() => archive(events), {
        retryIf: () => !stopping.signal.aborted,
        onFailure: (error) => {
          lastError = error instanceof Error ? error.message : String(error);
          onError(error);
        },
        delayMs: (attempt) => backoffDelayMs(RETRY, Math.min(attempt, 10)) + 50,
        wait: (ms) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined),
      });
      lastError = undefined;
    },
  };
  return {
    subscriber,
    stop() {
      stopping.abort();
    },
    status: () => ({ location: sink.location, archivedTo, lastError }),
  };
}
