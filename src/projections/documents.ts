import type { SqlExecutor } from '../store/index.js';
import { DocumentExistsError, InvalidViewQueryError } from './errors.js';

/** A read-model document: plain JSON. */
export type Document = Record<string, unknown>;

/** Equality filters on document fields, by path (`status`, `owner.id`). */
export type Where = Readonly<Record<string, unknown>>;

/** Which documents `find` returns, in which order, and which page of them. */
export interface FindQuery {
  /**
   * Fields that must equal these values (a dotted path reaches into nested objects). An array
   * or object value matches when the document's value contains it.
   */
  readonly where?: Where;
  readonly orderBy?: OrderBy | readonly OrderBy[];
  /** Default 100, at most 1000. */
  readonly limit?: number;
  readonly offset?: number;
}

/** A sort key of `find`: a field (dotted path) and its direction, `asc` by default. */
export interface OrderBy {
  readonly field: string;
  readonly direction?: 'asc' | 'desc';
}

/** Reading a collection of documents. */
export interface DocumentReader<Doc extends Document = Document> {
  get(id: string): Promise<Doc | undefined>;
  find(query?: FindQuery): Promise<Doc[]>;
  count(where?: Where): Promise<number>;
}

/** Reading and writing a collection of documents (projection handlers get this one). */
export interface DocumentCollection<Doc extends Document = Document> extends DocumentReader<Doc> {
  /** Adds a document; `DocumentExistsError` if the id is taken. */
  insert(id: string, doc: Doc): Promise<void>;
  /** Adds or replaces a document. */
  upsert(id: string, doc: Doc): Promise<void>;
  /** Merges top-level fields into a document; false when there is none. */
  patch(id: string, changes: Partial<Doc>): Promise<boolean>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
}

const FIELD_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function fieldPath(field: string): string[] {
  const path = field.split('.');
  if (!path.every((segment) => FIELD_SEGMENT.test(segment))) {
    throw new InvalidViewQueryError(`field ${JSON.stringify(field)} is not a dotted path of names`);
  }
  return path;
}

/** `{ 'owner.id': 'u1' }` as the JSON document `{ "owner": { "id": "u1" } }` for `@>`. */
function containment(where: Where): string {
  const root: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(where)) {
    const path = fieldPath(field);
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const next = (node[segment] ??= {}) as Record<string, unknown>;
      node = next;
    }
    const leaf = path.at(-1);
    if (leaf !== undefined) node[leaf] = value;
  }
  return JSON.stringify(root);
}

function orderClause(orderBy: FindQuery['orderBy']): { sql: string; params: string[][] } {
  const orders: readonly OrderBy[] =
    orderBy === undefined ? [] : isOrderList(orderBy) ? orderBy : [orderBy];
  const params = orders.map((order) => fieldPath(order.field));
  const terms = orders.map((order, index) => {
    // Queries may come from HTTP as untyped JSON: check what the type promises.
    const direction: unknown = order.direction;
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
      throw new InvalidViewQueryError(
        `direction must be asc or desc, not ${JSON.stringify(direction)}`,
      );
    }
    return `data #> $${index + 5}::text[] ${order.direction === 'desc' ? 'DESC' : 'ASC'}`;
  });
  // The id breaks ties, so pages are stable.
  return { sql: `ORDER BY ${[...terms, 'id'].join(', ')}`, params };
}

function isOrderList(orderBy: OrderBy | readonly OrderBy[]): orderBy is readonly OrderBy[] {
  return Array.isArray(orderBy);
}

function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
    throw new InvalidViewQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return size;
}

/** The collection `collection` stored in `table`, through `sql`. */
export function documentCollection<Doc extends Document>(
  sql: SqlExecutor,
  table: string,
  collection: string,
): DocumentCollection<Doc> {
  return {
    async get(id) {
      const [row] = await sql.query<{ data: Doc }>(
        `SELECT data FROM ${table} WHERE collection = $1 AND id = $2`,
        [collection, id],
        `${table}_get`,
      );
      return row?.data;
    },
    async find(query = {}) {
      const order = orderClause(query.orderBy);
      const offset = query.offset ?? 0;
      if (!Number.isInteger(offset) || offset < 0) {
        throw new InvalidViewQueryError('offset must be an integer >= 0');
      }
      const rows = await sql.query<{ data: Doc }>(
        `SELECT data FROM ${table}
          WHERE collection = $1 AND data @> $2::jsonb
          ${order.sql} LIMIT $3 OFFSET $4`,
        [
          collection,
          containment(query.where ?? {}),
          pageSize(query.limit),
          offset,
          ...order.params,
        ],
      );
      return rows.map((row) => row.data);
    },
    async count(where = {}) {
      const [row] = await sql.query<{ count: number }>(
        `SELECT count(*) AS count FROM ${table} WHERE collection = $1 AND data @> $2::jsonb`,
        [collection, containment(where)],
      );
      return row?.count ?? 0;
    },
    async insert(id, doc) {
      const rows = await sql.query(
        `INSERT INTO ${table} (collection, id, data) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (collection, id) DO NOTHING RETURNING 1`,
        [collection, id, JSON.stringify(doc)],
        `${table}_insert`,
      );
      if (rows.length === 0) throw new DocumentExistsError(collection, id);
    },
    async upsert(id, doc) {
      await sql.query(
        `INSERT INTO ${table} (collection, id, data) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
        [collection, id, JSON.stringify(doc)],
        `${table}_upsert`,
      );
    },
    async patch(id, changes) {
      const rows = await sql.query(
        `UPDATE ${table} SET data = data || $3::jsonb WHERE collection = $1 AND id = $2 RETURNING 1`,
        [collection, id, JSON.stringify(changes)],
        `${table}_patch`,
      );
      return rows.length > 0;
    },
    async delete(id) {
      const rows = await sql.query(
        `DELETE FROM ${table} WHERE collection = $1 AND id = $2 RETURNING 1`,
        [collection, id],
        `${table}_delete`,
      );
      return rows.length > 0;
    },
  };
}
