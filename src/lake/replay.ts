import { gunzipSync } from 'node:zlib';

import { StrataError } from '../errors.js';
import type { SqlDriver, SqlExecutor, StoredEvent } from '../store/index.js';
import { fromLakeLine, toLakeLine } from './envelope.js';
import { MESSAGES_DIR, parseObjectKey, type LakeObjectName } from './keys.js';
import type { LakeSink } from './sink.js';

/** The store a replay writes into is not empty: replaying into it would mix two logs. */
export class ReplayTargetNotEmptyError extends StrataError {
  readonly code = 'REPLAY_TARGET_NOT_EMPTY';
}

/** The replayed log differs from the archive (a bug, or the target written to meanwhile). */
export class ReplayMismatchError extends StrataError {
  readonly code = 'REPLAY_MISMATCH';
}

/** What a replay did. */
export interface ReplayReport {
  readonly objects: number;
  readonly events: number;
}

/** The archive's objects in read order (by first cursor; keys sort by hour first). */
async function objectsInReadOrder(sink: LakeSink): Promise<LakeObjectName[]> {
  const names: LakeObjectName[] = [];
  for await (const key of sink.list(`${MESSAGES_DIR}/`)) {
    const name = parseObjectKey(key);
    if (name !== undefined) names.push(name);
  }
  return names.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

async function eventsOf(sink: LakeSink, key: string): Promise<StoredEvent[]> {
  const object = await sink.get(key);
  if (object === undefined) throw new ReplayMismatchError(`${key} vanished during the replay`);
  const text = gunzipSync(object.body).toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n').map(fromLakeLine) : [];
}

// One statement per object, its rows in archive order: positions are drawn in that order, and
// objects replayed one transaction after another keep the log's read order.
const INSERT = `INSERT INTO events
    (event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
  SELECT event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at
    FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[],
                $7::jsonb[], $8::timestamptz[])
         WITH ORDINALITY AS row(event_id, stream_id, stream_version, type, schema_version, data,
                                metadata, recorded_at, ordinal)
   ORDER BY ordinal`;

async function insertAll(sql: SqlExecutor, events: readonly StoredEvent[]): Promise<void> {
  await sql.query(INSERT, [
    events.map((event) => event.id),
    events.map((event) => event.streamId),
    events.map((event) => event.streamVersion),
    events.map((event) => event.type),
    events.map((event) => event.schemaVersion),
    events.map((event) => JSON.stringify(event.data)),
    events.map((event) => JSON.stringify(event.metadata)),
    events.map((event) => event.recordedAt.toISOString()),
  ]);
}

interface ReplayedRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly type: string;
  readonly schema_version: number;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly recorded_at: Date;
  readonly transaction_id: number;
  readonly global_position: number;
}

const PAGE = 1_000;

/**
 * The target's events in read order, straight from the table: every replay transaction has
 * committed, and another session's open transaction elsewhere in the cluster (which holds
 * `readAll` back) must not cut the proof short.
 */
async function* replayedLog(sql: SqlExecutor): AsyncGenerator<string> {
  let after = { transaction: -1, position: -1 };
  for (;;) {
    const rows = await sql.query<ReplayedRow>(
      `SELECT event_id, stream_id, stream_version, type, schema_version, data, metadata,
              recorded_at, transaction_id, global_position
         FROM events WHERE (transaction_id, global_position) > ($1, $2)
        ORDER BY transaction_id, global_position LIMIT ${PAGE}`,
      [after.transaction, after.position],
    );
    for (const row of rows) {
      yield kept({
        id: row.event_id,
        type: row.type,
        schemaVersion: row.schema_version,
        data: row.data,
        metadata: row.metadata,
        streamId: row.stream_id,
        streamVersion: row.stream_version,
        globalPosition: 0,
        cursor: '' as StoredEvent['cursor'],
        recordedAt: new Date(row.recorded_at),
      });
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = { transaction: last.transaction_id, position: last.global_position };
  }
}

/** An event as a replay promises to keep it: all but its position and cursor. */
const kept = (event: StoredEvent) =>
  toLakeLine({ ...event, globalPosition: 0, cursor: '' as StoredEvent['cursor'] });

/**
 * Rebuilds an event store from the archive: every event with its id, stream, version, type,
 * schema version, data, metadata and recording time, in the archive's read order (positions
 * are the new store's own). `target` (a migrated store's driver) must hold no events;
 * afterwards its log is read back and compared with the archive, event by event.
 */
export async function replayLake(
  sink: LakeSink,
  target: Pick<SqlDriver, 'query' | 'exec' | 'transaction'>,
): Promise<ReplayReport> {
  const [present] = await target.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM events',
  );
  if ((present?.count ?? 0) > 0) {
    throw new ReplayTargetNotEmptyError(
      `The target store already holds ${present?.count} events: replay into an empty one`,
    );
  }
  const objects = await objectsInReadOrder(sink);
  let events = 0;
  for (const object of objects) {
    const batch = await eventsOf(sink, object.key);
    await target.transaction((sql) => insertAll(sql, batch));
    events += batch.length;
  }
  // The proof: the new log, read back in its read order, is the archive.
  const replayed = replayedLog(target)[Symbol.asyncIterator]();
  let compared = 0;
  for (const object of objects) {
    for (const archived of await eventsOf(sink, object.key)) {
      const next = await replayed.next();
      if (next.done === true || next.value !== kept(archived)) {
        throw new ReplayMismatchError(
          `Event ${compared + 1} of the replayed log is not the archive's (${archived.id})`,
        );
      }
      compared++;
    }
  }
  if ((await replayed.next()).done !== true) {
    throw new ReplayMismatchError('The replayed log holds more events than the archive');
  }
  return { objects: objects.length, events };
}
