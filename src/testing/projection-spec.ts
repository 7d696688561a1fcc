import { AssertionError } from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { createMessageRegistry, type EventDefinition, type EventOf } from '../messages/index.js';
import {
  createProjectionRuntime,
  type Document,
  type ProjectionDefinition,
  type ProjectionRuntime,
} from '../projections/index.js';
import { createPostgresEventStore, type Cursor, type SqlDriver } from '../store/index.js';
import { createSubscriptionEngine } from '../subscriptions/index.js';
import { assertDeepEqual } from './matching.js';
import { createSpecDatabase } from './spec-database.js';

/** A past event of a projection spec: one of the projection's events, on `streamId`. */
export type SpecEvent<Events extends readonly EventDefinition[]> = EventOf<Events[number]> & {
  /** The stream it was appended to; default `spec-1`. */
  readonly streamId?: string;
};

/**
 * The read model expected: collection → document id → the whole document, or `undefined` for
 * "no such document". A collection named holds exactly the documents listed.
 */
export type ReadModelExpectation = Readonly<
  Record<string, Readonly<Record<string, Document | undefined>>>
>;

/** `given(events).then(readModel)`, and `close()` once the spec's cases are done. */
export interface ProjectionSpec<Events extends readonly EventDefinition[]> {
  (events: readonly SpecEvent<Events>[]): {
    then(expected: ReadModelExpectation): Promise<void>;
  };
  /** Closes the spec's database (call it in `afterAll`). */
  close(): Promise<void>;
}

export interface ProjectionSpecOptions {
  /** How long the projection may take to apply the events; default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Given/then tests for a projection, on a real (in-memory PGlite) store: `given` events are
 * appended and applied by the projection as in a running system, `then` compares its read
 * model with the one expected. A handler that throws fails the spec at once with its error;
 * a document that differs fails with a diff naming the collection and the id.
 *
 * @example
 * const given = projectionSpec(projectDetail);
 * afterAll(() => given.close());
 * await given([projectCreated]).then({ projects: { p1: { projectId: 'p1', name: 'Apollo' } } });
 */
export function projectionSpec<const Events extends readonly EventDefinition[]>(
  projection: ProjectionDefinition<Events>,
  options: ProjectionSpecOptions = {},
): ProjectionSpec<Events> {
  const { timeoutMs = 10_000 } = options;
  const database = createSpecDatabase();
  const given = (events: readonly SpecEvent<Events>[]) => ({
    then: (expected: ReadModelExpectation) =>
      database.withFreshDriver((driver) =>
        runCase(driver, projection, events, expected, timeoutMs),
      ),
  });
  return Object.assign(given, { close: () => database.close() });
}

async function runCase(
  driver: SqlDriver,
  projection: ProjectionDefinition,
  events: readonly SpecEvent<readonly EventDefinition[]>[],
  expected: ReadModelExpectation,
  timeoutMs: number,
): Promise<void> {
  if (projection.events === undefined) {
    throw new TypeError(`projectionSpec: ${projection.name} must list its events`);
  }
  const store = await createPostgresEventStore({
    driver,
    registry: createMessageRegistry(projection.events),
  });
  const failures: unknown[] = [];
  const engine = createSubscriptionEngine({ store, onError: (error) => failures.push(error) });
  // One attempt, then stop: a handler's error is the spec's answer, not something to retry.
  const runtime = createProjectionRuntime({
    store,
    engine,
    projections: [{ ...projection, retry: { maxAttempts: 1 }, onPoisonEvent: 'stop' }],
    onError: (error) => failures.push(error),
  });
  try {
    await runtime.start();
    engine.start();
    let cursor: Cursor | undefined;
    for (const [index, { streamId = 'spec-1', type, data }] of events.entries()) {
      const appended = await store
        .appendToStream(streamId, [{ type, data }])
        .catch((error: unknown) => {
          throw handlerFailure(projection.name, index, type, error);
        });
      cursor = appended.cursor ?? cursor;
    }
    if (cursor !== undefined) await caughtUp(runtime, projection.name, cursor, failures, timeoutMs);
    await assertReadModel(runtime, projection.name, expected);
  } finally {
    await runtime.stop();
    await engine.stop();
    await store.close();
  }
}

function handlerFailure(name: string, index: number, type: string, cause: unknown) {
  return new AssertionError({
    message: `projection ${name} failed on given event #${index + 1} (${type}): ${describeError(cause)}`,
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
}

async function caughtUp(
  runtime: ProjectionRuntime,
  name: string,
  cursor: Cursor,
  failures: readonly unknown[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await runtime.waitUntilCaughtUp(name, cursor, 50))) {
    const [failure] = failures;
    if (failure !== undefined) {
      throw new AssertionError({ message: `projection ${name} failed: ${describeError(failure)}` });
    }
    if (Date.now() > deadline) {
      throw new AssertionError({
        message: `projection ${name} had not applied the given events after ${timeoutMs} ms`,
      });
    }
    await sleep(10);
  }
}

async function assertReadModel(
  runtime: ProjectionRuntime,
  name: string,
  expected: ReadModelExpectation,
): Promise<void> {
  const views = runtime.reader(name);
  for (const [collection, documents] of Object.entries(expected)) {
    const reader = views.collection(collection);
    for (const [id, document] of Object.entries(documents)) {
      assertDeepEqual(await reader.get(id), document, `${name}: ${collection}/${id}`);
    }
    const listed = Object.values(documents).filter((document) => document !== undefined).length;
    const count = await reader.count();
    if (count !== listed) {
      const all = await reader.find({ limit: 1000 });
      throw new AssertionError({
        message: `${name}: collection ${collection} holds ${count} documents, the spec lists ${listed}: ${JSON.stringify(all)}`,
      });
    }
  }
}
