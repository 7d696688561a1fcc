import { SpanKind } from '@opentelemetry/api';

import type { MessageRegistry } from '../../messages/index.js';
import { activeTraceFields, inSpan } from '../../observability/index.js';
import { retrying } from '../../retry.js';
import { ConcurrencyError } from '../errors.js';
import {
  ANY,
  assertValidExpectedVersion,
  expectedVersionHolds,
  pinsVersion,
  type ExpectedVersion,
} from '../expected-version.js';
import { assertValidStreamId } from '../stream-id.js';
import type {
  AppendOptions,
  AppendResult,
  CommandRecord,
  CommitNotice,
  NewEvent,
} from '../types.js';
import { appendOnce, LostRace, readStreamHead } from './append-attempt.js';
import { runHooks, type AppendHooks } from './append-hooks.js';
import type { SqlExecutor } from './drivers/types.js';
import { encodeEvents, type EncodedEvents } from './encode-events.js';
import type { AppendObserver, TransactionalEventStore } from './store-types.js';

/** How often an append with `ANY`/`STREAM_EXISTS` tries after losing a race for a version. */
export const UNPINNED_APPEND_ATTEMPTS = 10;

/** What appends on one executor (the pool, or one transaction) work with. */
export interface AppendContext {
  readonly sql: SqlExecutor;
  readonly registry: MessageRegistry | undefined;
  readonly maxEventBytes: number;
  /** PGlite plans every statement it runs; PL/pgSQL functions keep their plans. */
  readonly viaFunctions: boolean;
  readonly hooks: AppendHooks;
  /** Told after each append that wrote events: outside a transaction that is its commit. */
  readonly onAppended: (notice: CommitNotice) => void;
  /** Inside a transaction, the transaction-bound store (for hooks); `undefined` outside. */
  readonly transaction: (() => TransactionalEventStore) | undefined;
  /** Outside a transaction: runs an append that hooks want in a transaction of its own. */
  readonly appendWithHooks: (
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ) => Promise<AppendResult>;
  readonly streamVersion: (streamId: string) => Promise<number>;
  readonly onAppend: AppendObserver | undefined;
}

/**
 * `appendToStream` on `context.sql`: one statement that checks the expected version and
 * writes; without a pinned version a lost race is tried again at the new end.
 */
export function createAppend(context: AppendContext) {
  const { sql, registry, maxEventBytes, hooks } = context;
  const inTransaction = context.transaction !== undefined;

  /** The append, retried after lost races when nothing pins the version (and not in a tx). */
  async function appendRetrying(
    streamId: string,
    expected: ExpectedVersion,
    events: EncodedEvents,
    command: CommandRecord | undefined,
  ): Promise<AppendResult> {
    // Inside a transaction the loss aborts it: report it to the caller.
    const attempts = !pinsVersion(expected) && !inTransaction ? UNPINNED_APPEND_ATTEMPTS : 1;
    try {
      const attempt = { streamId, expected, events, command, viaFunctions: context.viaFunctions };
      return await retrying(() => appendOnce(sql, attempt), {
        attempts,
        retryIf: (error) => error instanceof LostRace,
      });
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      const actual = inTransaction ? undefined : await context.streamVersion(streamId);
      throw new ConcurrencyError(streamId, expected, actual);
    }
  }

  /** The append proper, inside its span: the events carry that span's trace context. */
  async function append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    assertValidStreamId(streamId);
    const { command, expectedVersion = ANY } = options;
    assertValidExpectedVersion(expectedVersion);
    const traceFields = activeTraceFields();
    const encoded = encodeEvents(events, { registry, maxEventBytes, traceFields });
    if (encoded.ids.length === 0 && command === undefined) {
      // Nothing to write: the append only checks the expected version.
      const version = await readStreamHead(sql, streamId);
      if (!expectedVersionHolds(expectedVersion, version)) {
        throw new ConcurrencyError(streamId, expectedVersion, version);
      }
      return { streamId, streamVersion: version, events: [], cursor: undefined };
    }
    const wanting = hooks.wanting(encoded.types);
    // Append hooks (inline projections) run in the append's transaction.
    if (!inTransaction && wanting.length > 0) {
      return context.appendWithHooks(streamId, events, options);
    }
    const result = await appendRetrying(streamId, expectedVersion, encoded, command);
    if (encoded.ids.length > 0) context.onAppended({ types: encoded.types, streamIds: [streamId] });
    if (context.transaction !== undefined) await runHooks(context.transaction(), result, wanting);
    return result;
  }

  return async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const types = events.map((event) => event.type);
    // Handed to a transaction of its own, whose append is the one measured and traced.
    if (!inTransaction && hooks.wanting(types).length > 0) {
      return append(streamId, events, options);
    }
    const startedAt = performance.now();
    const observe = (outcome: 'ok' | 'conflict' | 'error') =>
      context.onAppend?.(outcome, (performance.now() - startedAt) / 1000, streamId, types);
    const attributes = { 'strata.stream_id': streamId, 'strata.events': events.length };
    try {
      const result = await inSpan('strata.append', { kind: SpanKind.INTERNAL, attributes }, () =>
        append(streamId, events, options),
      );
      observe('ok');
      return result;
    } catch (error) {
      observe(error instanceof ConcurrencyError ? 'conflict' : 'error');
      throw error;
    }
  };
}
