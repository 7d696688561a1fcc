import { setTimeout as sleep } from 'node:timers/promises';

import { v7 as uuidv7 } from 'uuid';

import {
  decodeCursor,
  encodeCursor,
  isConcurrencyError,
  type AppendResult,
  type Cursor,
  type NewEvent,
  type PostgresEventStore,
} from '../../src/store/index.js';
import { isInjectedRollback } from './stress-chaos.js';

/** An event of an append the store acknowledged, as the append reported it. */
export interface AckedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly transactionId: number;
  readonly cursor: Cursor;
}

/** What the writers did: every acknowledged event, and how the other appends ended. */
export interface WriterReport {
  readonly appends: number;
  readonly appendsAcked: number;
  readonly acked: readonly AckedEvent[];
  /** Appends the chaos trigger aborted. */
  readonly rolledBack: number;
  /** Pinned appends refused with `ConcurrencyError`: the version they read was stale. */
  readonly conflicts: number;
  /** Unpinned appends refused with `ConcurrencyError`: they kept losing races and gave up. */
  readonly unpinnedConflicts: number;
  /** Appends that failed otherwise: their outcome is unknown, and the run fails. */
  readonly failures: readonly string[];
  readonly seconds: number;
}

export interface WriterOptions {
  readonly writers: number;
  /** Append attempts in total, shared by the writers. */
  readonly appends: number;
  /** Called after each attempt with the number of attempts finished. */
  readonly onProgress?: (finished: number) => void;
}

/** Streams every writer appends to (contended) and streams each writer has to itself. */
const HOT_STREAMS = 8;
const OWN_STREAMS = 25;
const HOT_FRACTION = 0.4;
/** Shares of plain and transaction appends; the rest pin the version they read just before. */
const PLAIN_FRACTION = 0.45;
const TRANSACTION_FRACTION = 0.35;
/** Longest wait inside a caller's transaction after its append, before the commit. */
const MAX_CLIENT_DELAY_MS = 3;
/** A lost race aborts the caller's transaction; it starts over this many times at most. */
const TRANSACTION_ATTEMPTS = 20;

const pick = (count: number) => Math.floor(Math.random() * count);

function chooseStream(writer: number): string {
  return Math.random() < HOT_FRACTION
    ? `hot-${pick(HOT_STREAMS)}`
    : `own-w${writer}s${pick(OWN_STREAMS)}`;
}

/** One event mostly, sometimes a few: the whole append commits or aborts as one. */
function newEvents(writer: number, attempt: number): NewEvent[] {
  const count = Math.random() < 0.8 ? 1 : 2 + pick(3);
  return Array.from({ length: count }, (_, index) => ({
    id: uuidv7(),
    type: 'stress.Appended',
    data: { writer, attempt, index },
    metadata: { actor: `writer-${writer}` },
  }));
}

/** Appends in a transaction of the caller's that stays open a little after the insert. */
async function appendInTransaction(
  store: PostgresEventStore,
  streamId: string,
  events: readonly NewEvent[],
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(async (tx) => {
        const result = await tx.appendToStream(streamId, events);
        if (Math.random() < 0.5) await sleep(Math.random() * MAX_CLIENT_DELAY_MS);
        return result;
      });
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= TRANSACTION_ATTEMPTS) throw error;
      await sleep(Math.random() * 2);
    }
  }
}

/** How an append is made: a lone statement, in a transaction of the caller's, or pinned. */
type AppendMode = 'plain' | 'transaction' | 'pinned';

function chooseMode(): AppendMode {
  const draw = Math.random();
  if (draw < PLAIN_FRACTION) return 'plain';
  return draw < PLAIN_FRACTION + TRANSACTION_FRACTION ? 'transaction' : 'pinned';
}

async function append(
  store: PostgresEventStore,
  mode: AppendMode,
  streamId: string,
  events: readonly NewEvent[],
): Promise<AppendResult> {
  switch (mode) {
    case 'plain':
      return store.appendToStream(streamId, events);
    case 'transaction':
      return appendInTransaction(store, streamId, events);
    case 'pinned': {
      const expectedVersion = await store.streamVersion(streamId);
      return store.appendToStream(streamId, events, { expectedVersion });
    }
  }
}

/** The events an acknowledged append wrote, with the cursors readers will see them at. */
export function ackedEvents(result: AppendResult): AckedEvent[] {
  // Every event of an append shares its transaction: the result's cursor names it.
  const transactionId = Number(decodeCursor(result.cursor!).transactionId);
  return result.events.map((event) => ({
    id: event.id,
    streamId: result.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    transactionId,
    cursor: encodeCursor(transactionId, event.globalPosition),
  }));
}

/**
 * Runs `writers` concurrent writers through the real store API until `appends` attempts are
 * made, each append in its own transaction, and records every acknowledged event.
 */
export async function runWriters(
  store: PostgresEventStore,
  options: WriterOptions,
): Promise<WriterReport> {
  const { writers, appends, onProgress } = options;
  const acked: AckedEvent[] = [];
  const failures: string[] = [];
  let started = 0;
  let finished = 0;
  let appendsAcked = 0;
  let rolledBack = 0;
  let conflicts = 0;
  let unpinnedConflicts = 0;

  const writer = async (index: number): Promise<void> => {
    while (started < appends) {
      const attempt = started++;
      const streamId = chooseStream(index);
      const mode = chooseMode();
      try {
        const result = await append(store, mode, streamId, newEvents(index, attempt));
        acked.push(...ackedEvents(result));
        appendsAcked++;
      } catch (error) {
        if (isInjectedRollback(error)) rolledBack++;
        else if (isConcurrencyError(error) && mode === 'pinned') conflicts++;
        else if (isConcurrencyError(error)) unpinnedConflicts++;
        else
          failures.push(`${streamId}: ${error instanceof Error ? error.message : String(error)}`);
      }
      onProgress?.(++finished);
    }
  };

  const begin = performance.now();
  await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
  const seconds = (performance.now() - begin) / 1000;
  return {
    appends,
    appendsAcked,
    acked,
    rolledBack,
    conflicts,
    unpinnedConflicts,
    failures,
    seconds,
  };
}
