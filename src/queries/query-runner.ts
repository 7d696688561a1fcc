import { UnknownMessageError, ValidationError, type MessageRegistry } from '../messages/index.js';
import { inSpan } from '../observability/index.js';
import type { ProjectionRuntime } from '../projections/index.js';
import { parseCursor, type Cursor, type EventStore, type HorizonReport } from '../store/index.js';
import type { QueryDefinition, QueryParams, QueryResult, QueryViews } from './define.js';
import {
  ConsistencyTimeoutError,
  UndeclaredProjectionError,
  UnknownPositionError,
} from './errors.js';

/** How one query run waits for the projections it reads. */
export interface QueryOptions {
  /**
   * Read your writes: answer only once every projection the query reads has applied the event
   * at this global position (a command result's `position`) or this cursor.
   */
  readonly minPosition?: number | Cursor;
  /** How long to wait for that; default 5 s, then `ConsistencyTimeoutError`. */
  readonly timeoutMs?: number;
}

/** What `createQueryRunner` needs: the store, the projections and the queries it answers. */
export interface QueryRunnerOptions {
  readonly store: EventStore;
  readonly registry: MessageRegistry;
  readonly projections: ProjectionRuntime;
  readonly queries: readonly QueryDefinition[];
  /**
   * The open transaction holding readers back for at least `olderThanMs`, named in a
   * consistency timeout (`PostgresEventStore.horizon`).
   */
  readonly horizon?: (olderThanMs: number) => Promise<HorizonReport>;
  /** Told how each query went and how long it waited for consistency (metrics). */
  readonly observer?: QueryObserver;
}

/** How a query ended: answered, refused as invalid, timed out waiting for consistency, failed. */
export type QueryOutcome = 'ok' | 'invalid' | 'timeout' | 'error';

/** Hears queries; `query` is `unknown` for a name no query has (it comes from a request). */
export interface QueryObserver {
  answered(query: string, outcome: QueryOutcome, seconds: number): void;
  waited(query: string, seconds: number, timedOut: boolean): void;
}

function queryOutcomeOf(error: unknown): QueryOutcome {
  if (error instanceof ValidationError || error instanceof UnknownMessageError) return 'invalid';
  if (error instanceof ConsistencyTimeoutError) return 'timeout';
  return 'error';
}

/** Runs registered queries: validates parameters, waits for consistency, reads the models. */
export interface QueryRunner {
  /**
   * Runs a registered query given its definition: the parameters and the answer are typed by it.
   *
   * @example
   * const user = await queries.run(GetUser, { userId: 'ada' }); // UserView | undefined
   */
  run<Query extends QueryDefinition>(
    query: Query,
    params: QueryParams<Query>,
    options?: QueryOptions,
  ): Promise<QueryResult<Query>>;
  /** Runs a registered query by name, as the HTTP gateway does: parameters and answer unknown. */
  run(name: string, params: unknown, options?: QueryOptions): Promise<unknown>;
}

/**
 * Answers queries by name: validates the parameters, waits for a minimum position when asked
 * (`QueryOptions`), and runs the handler on the projections it declared.
 */
export function createQueryRunner(options: QueryRunnerOptions): QueryRunner {
  const { store, registry, projections, horizon, observer } = options;
  const queries = new Map(options.queries.map((query) => [query.name, query]));

  async function cursorOf(minPosition: number | Cursor): Promise<Cursor> {
    if (typeof minPosition === 'string') return parseCursor(minPosition);
    const cursor = await store.cursorAt(minPosition);
    if (cursor === undefined) throw new UnknownPositionError(minPosition);
    return cursor;
  }

  async function awaitProjections(
    query: QueryDefinition,
    minPosition: number | Cursor,
    timeoutMs: number,
  ) {
    const cursor = await cursorOf(minPosition);
    const startedAt = performance.now();
    const waited = (timedOut: boolean) =>
      observer?.waited(query.name, (performance.now() - startedAt) / 1000, timedOut);
    const deadline = Date.now() + timeoutMs;
    for (const projection of query.projections) {
      const remaining = Math.max(0, deadline - Date.now());
      if (!(await projections.waitUntilCaughtUp(projection, cursor, remaining))) {
        waited(true);
        // A transaction open for the whole wait is the likely reason; a failed look is no news.
        const report = await horizon?.(timeoutMs).catch(() => undefined);
        throw new ConsistencyTimeoutError(projection, minPosition, timeoutMs, report?.heldBy);
      }
    }
    waited(false);
  }

  function run<Query extends QueryDefinition>(
    query: Query,
    params: QueryParams<Query>,
    options?: QueryOptions,
  ): Promise<QueryResult<Query>>;
  function run(name: string, params: unknown, options?: QueryOptions): Promise<unknown>;
  async function run(
    nameOrQuery: string | QueryDefinition,
    params: unknown,
    options: QueryOptions = {},
  ): Promise<unknown> {
    // A definition runs as its registered namesake, so what runs is what the app declared.
    const name = typeof nameOrQuery === 'string' ? nameOrQuery : nameOrQuery.name;
    const label = queries.has(name) ? name : 'unknown';
    const startedAt = performance.now();
    const observe = (outcome: QueryOutcome) =>
      observer?.answered(label, outcome, (performance.now() - startedAt) / 1000);
    try {
      const answer = await inSpan(
        `strata.query ${label}`,
        { attributes: { 'strata.query': label } },
        () => runNamed(name, params, options),
      );
      observe('ok');
      return answer;
    } catch (error) {
      observe(queryOutcomeOf(error));
      throw error;
    }
  }

  async function runNamed(
    name: string,
    params: unknown,
    { minPosition, timeoutMs = 5_000 }: QueryOptions,
  ): Promise<unknown> {
    registry.query(name);
    registry.validate(name, params);
    const query = queries.get(name);
    if (query === undefined) throw new UnknownMessageError(name, 'query');
    if (minPosition !== undefined) await awaitProjections(query, minPosition, timeoutMs);
    const views: QueryViews = {
      of(projection) {
        if (!query.projections.includes(projection))
          throw new UndeclaredProjectionError(name, projection);
        return projections.reader(projection);
      },
    };
    // Another process may switch a projection and drop what this one still reads.
    return projections.read(query.projections, () => query.handler(views, params));
  }

  return { run };
}
