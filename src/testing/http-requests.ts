import type { Static } from 'typebox';

import type { CommandDefinition } from '../messages/index.js';
import type { QueryDefinition, QueryParams, QueryResult } from '../queries/index.js';

/** A request to the gateway, as `inject` sends it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Path and query string, e.g. `/streams/user-ada`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
}

/** A query's request; it remembers the query, so the expected answer is typed by it. */
export interface QueryRequest<Query extends QueryDefinition> extends HttpRequest {
  readonly query: Query;
}

/** The answer a query request is expected to get: a body checked field by field. */
export type ExpectedAnswer<Result> = Result extends readonly (infer Item)[]
  ? readonly ExpectedAnswer<Item>[]
  : Result extends object
    ? { readonly [Key in keyof Result]?: ExpectedAnswer<Result[Key]> }
    : Result;

/** `POST /commands/<name>` with `data` typed by the command's schema. */
export function commandRequest<Command extends CommandDefinition>(
  command: Command,
  data: Static<Command['schema']>,
  headers: Readonly<Record<string, string>> = {},
): HttpRequest {
  return { method: 'POST', url: `/commands/${command.name}`, headers, body: data };
}

/** `GET /queries/<name>?…` with `params` typed by the query's schema. */
export function queryRequest<Query extends QueryDefinition>(
  query: Query,
  params: QueryParams<Query>,
  headers: Readonly<Record<string, string>> = {},
): QueryRequest<Query> {
  const search = new URLSearchParams();
  const scalars = params as Readonly<Record<string, string | number | boolean | undefined>>;
  for (const [name, value] of Object.entries(scalars)) {
    // Query parameters are scalars: the gateway coerces them back to the schema's types.
    if (value !== undefined) search.append(name, String(value));
  }
  const queryString = search.size === 0 ? '' : `?${search.toString()}`;
  return { method: 'GET', url: `/queries/${query.name}${queryString}`, headers, query };
}

/** The result type a query request's answer is checked against. */
export type AnswerOf<Request> =
  Request extends QueryRequest<infer Query>
    ? ExpectedAnswer<NonNullable<QueryResult<Query>>>
    : unknown;
