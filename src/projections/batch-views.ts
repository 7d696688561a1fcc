import type { SqlExecutor } from '../store/index.js';
import {
  documentCollection,
  type Document,
  type DocumentCollection,
  type DocumentReader,
} from './documents.js';
import { DocumentExistsError } from './errors.js';
import { viewsOf, type Storage, type ViewWriter } from './views.js';

/** Views for one batch of events, with its write-behind buffer. */
export interface BatchViews extends ViewWriter {
  /** Writes every buffered change; the batch's transaction then commits them. */
  flush(): Promise<void>;
}

/** A document as the batch last left it: `null` once deleted (or known to be absent). */
type Cached = { doc: Document | null; dirty: boolean };

const key = (collection: string, id: string): string => `${collection}\u0000${id}`;

/**
 * Views whose document writes are buffered for the batch and written in one statement at the
 * end: a batch touching 500 documents costs one round trip, not 500. Handlers read their own
 * writes from the buffer; `find`, `count` and raw SQL first flush it, so they see them too.
 */
export function batchViewsOf(sql: SqlExecutor, storage: Storage): BatchViews {
  const direct = viewsOf(sql, storage);
  const cache = new Map<string, Cached & { collection: string; id: string }>();

  async function flush(): Promise<void> {
    const dirty = [...cache.values()].filter((entry) => entry.dirty);
    if (dirty.length === 0) return;
    const upserts = dirty.filter((entry) => entry.doc !== null);
    const deletes = dirty.filter((entry) => entry.doc === null);
    if (upserts.length > 0) {
      await sql.query(
        `INSERT INTO ${storage.documents} (collection, id, data)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
         ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
        [
          upserts.map((entry) => entry.collection),
          upserts.map((entry) => entry.id),
          upserts.map((entry) => JSON.stringify(entry.doc)),
        ],
        `${storage.documents}_flush_upserts`,
      );
    }
    if (deletes.length > 0) {
      await sql.query(
        `DELETE FROM ${storage.documents}
          WHERE (collection, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [deletes.map((entry) => entry.collection), deletes.map((entry) => entry.id)],
        `${storage.documents}_flush_deletes`,
      );
    }
    for (const entry of dirty) entry.dirty = false;
  }

  function collection<Doc extends Document>(name: string): DocumentCollection<Doc> {
    const reader: DocumentReader<Doc> = documentCollection<Doc>(sql, storage.documents, name);
    const load = async (id: string): Promise<Doc | null> => {
      const cached = cache.get(key(name, id));
      if (cached !== undefined) return cached.doc as Doc | null;
      const doc = (await reader.get(id)) ?? null;
      cache.set(key(name, id), { collection: name, id, doc, dirty: false });
      return doc;
    };
    const write = (id: string, doc: Document | null): void => {
      cache.set(key(name, id), { collection: name, id, doc, dirty: true });
    };
    return {
      async get(id) {
        return (await load(id)) ?? undefined;
      },
      async find(query) {
        await flush();
        return reader.find(query);
      },
      async count(where) {
        await flush();
        return reader.count(where);
      },
      async insert(id, doc) {
        if ((await load(id)) !== null) throw new DocumentExistsError(name, id);
        write(id, doc);
      },
      upsert(id, doc) {
        write(id, doc);
        return Promise.resolve();
      },
      async patch(id, changes) {
        const current = await load(id);
        if (current === null) return false;
        write(id, { ...current, ...changes });
        return true;
      },
      async delete(id) {
        const existed = (await load(id)) !== null;
        write(id, null);
        return existed;
      },
    };
  }

  const flushingSql: SqlExecutor = {
    async query(text, params, name) {
      await flush();
      return sql.query(text, params, name);
    },
    async exec(script) {
      await flush();
      await sql.exec(script);
    },
  };

  return { ...direct, sql: flushingSql, collection, flush };
}
