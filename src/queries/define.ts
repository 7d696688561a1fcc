import type { Static, TSchema } from 'typebox';

import { defineMessage, type MessageDefinition } from '../messages/index.js';
import type { ViewReader } from '../projections/index.js';

/** What a query handler reads: the projections it declared. */
export interface QueryViews {
  /** The active read models of `projection`, which the query must list in `projections`. */
  of(projection: string): ViewReader;
}

/**
 * What a query handler answers: a value of its declared result schema, or `undefined` when it
 * finds nothing (the gateway's 404).
 */
export type QueryHandler<Params extends TSchema, Result extends TSchema> = (
  views: QueryViews,
  params: Static<Params>,
) => Promise<Static<Result> | undefined>;

/** A query: typed parameters in, an answer of a declared schema from read models out. */
export interface QueryDefinition<
  Name extends string = string,
  Params extends TSchema = TSchema,
  Result extends TSchema = TSchema,
> extends MessageDefinition<'query', Name, Params> {
  /** The schema of an answer: the 200 response of the query in OpenAPI. */
  readonly result: Result;
  /** The projections it reads; read-your-writes waits for each of them. */
  readonly projections: readonly string[];
  readonly handler: QueryHandler<Params, Result>;
}

/**
 * What `defineQuery` takes: a name, TypeBox parameters, the result's schema, the projections the
 * handler reads (a read-your-writes wait covers exactly those) and the handler.
 */
export interface DefineQueryOptions<
  Name extends string,
  Params extends TSchema,
  Result extends TSchema,
> {
  readonly name: Name;
  readonly params: Params;
  /**
   * The schema of an answer; the handler's value must be of its type. It is published (the
   * query's 200 response in OpenAPI, `/schemas`), not checked at run time.
   */
  readonly result: Result;
  readonly projections: readonly string[];
  readonly handler: QueryHandler<Params, Result>;
  readonly version?: number;
  readonly description?: string;
}

/**
 * Declares a query; register it with the messages so its parameters are validated and its
 * parameters and result published in OpenAPI like a command's body.
 *
 * @example
 * const GetProject = defineQuery({
 *   name: 'projects.GetProject',
 *   params: Type.Object({ projectId: Type.String() }),
 *   result: Type.Object({ projectId: Type.String(), name: Type.String() }),
 *   projections: ['projects.detail'],
 *   handler: (views, { projectId }) => views.of('projects.detail').collection('projects').get(projectId),
 * });
 */
export function defineQuery<
  const Name extends string,
  Params extends TSchema,
  Result extends TSchema,
>(options: DefineQueryOptions<Name, Params, Result>): QueryDefinition<Name, Params, Result> {
  const { params, result, projections, handler, ...rest } = options;
  const message = defineMessage('query', { ...rest, schema: params });
  return Object.freeze({
    ...message,
    result,
    projections: Object.freeze([...projections]),
    handler,
  });
}

/** The parameters `query` takes, from its definition's schema. */
export type QueryParams<Query extends QueryDefinition> =
  Query extends QueryDefinition<string, infer Params> ? Static<Params> : never;

/** What `query` answers: a value of the result schema its definition declares, or `undefined`. */
export type QueryResult<Query extends QueryDefinition> =
  Query extends QueryDefinition<string, TSchema, infer Result> ? Static<Result> | undefined : never;
