import type { Static, TSchema } from 'typebox';

import { defineMessage, type MessageDefinition } from '../messages/index.js';
import type { ViewReader } from '../projections/index.js';

/** What a query handler reads: the projections it declared. */
export interface QueryViews {
  /** The active read models of `projection`, which the query must list in `projections`. */
  of(projection: string): ViewReader;
}

/** A query: typed parameters in, an answer from read models out. */
export interface QueryDefinition<
  Name extends string = string,
  Params extends TSchema = TSchema,
  Result = unknown,
> extends MessageDefinition<'query', Name, Params> {
  /** The projections it reads; read-your-writes waits for each of them. */
  readonly projections: readonly string[];
  readonly handler: (views: QueryViews, params: Static<Params>) => Promise<Result>;
}

export interface DefineQueryOptions<Name extends string, Params extends TSchema, Result> {
  readonly name: Name;
  readonly params: Params;
  readonly projections: readonly string[];
  readonly handler: (views: QueryViews, params: Static<Params>) => Promise<Result>;
  readonly version?: number;
  readonly description?: string;
}

/**
 * Declares a query; register it with the messages so its parameters are validated (and, later,
 * published in OpenAPI) like a command's.
 *
 * @example
 * const GetProject = defineQuery({
 *   name: 'projects.GetProject',
 *   params: Type.Object({ projectId: Type.String() }),
 *   projections: ['projects.detail'],
 *   handler: (views, { projectId }) => views.of('projects.detail').collection('projects').get(projectId),
 * });
 */
export function defineQuery<const Name extends string, Params extends TSchema, Result>(
  options: DefineQueryOptions<Name, Params, Result>,
): QueryDefinition<Name, Params, Result> {
  const { params, projections, handler, ...rest } = options;
  const message = defineMessage('query', { ...rest, schema: params });
  return Object.freeze({ ...message, projections: Object.freeze([...projections]), handler });
}

/** The parameters `query` takes, from its definition's schema. */
export type QueryParams<Query extends QueryDefinition> =
  Query extends QueryDefinition<string, infer Params> ? Static<Params> : never;

/** What `query` answers: the result its definition declares. */
export type QueryResult<Query extends QueryDefinition> =
  Query extends QueryDefinition<string, TSchema, infer Result> ? Result : never;
