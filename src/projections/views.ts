import type { SqlExecutor } from '../store/index.js';
import {
  documentCollection,
  type Document,
  type DocumentCollection,
  type DocumentReader,
} from './documents.js';
import { UnknownProjectionError } from './errors.js';

/** What queries read: a projection generation's collections and own tables. */
export interface ViewReader {
  collection<Doc extends Document = Document>(name: string): DocumentReader<Doc>;
  /** The physical name of one of the projection's own tables in this generation. */
  table(name: string): string;
  /** SQL for the projection's own tables. */
  readonly sql: SqlExecutor;
}

/** What projection handlers write through, inside their batch's transaction. */
export interface ViewWriter extends ViewReader {
  collection<Doc extends Document = Document>(name: string): DocumentCollection<Doc>;
}

/** Table names of one storage generation of a projection. */
export interface Storage {
  readonly projection: string;
  readonly generation: number;
  /** The documents table. */
  readonly documents: string;
  /** Logical table name → physical name, for the projection's own tables. */
  readonly tables: Readonly<Record<string, string>>;
}

/** Reads and writes of one storage generation through `sql`. */
export function viewsOf(sql: SqlExecutor, storage: Storage): ViewWriter {
  return {
    sql,
    collection: <Doc extends Document>(name: string) =>
      documentCollection<Doc>(sql, storage.documents, name),
    table(name) {
      const physical = storage.tables[name];
      if (physical === undefined) {
        throw new UnknownProjectionError(
          `${storage.projection} has no table ${JSON.stringify(name)}`,
        );
      }
      return physical;
    },
  };
}
