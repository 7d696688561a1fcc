import type { StoredEvent } from '../types.js';
import { decodeRow, EVENT_COLUMNS, type EventRow } from './decode-event.js';
import type { SqlExecutor } from './drivers/types.js';

// One statement per call, its rows in the order given: positions are drawn in that order, and
// calls made one transaction after another keep the read order of the events given.
const RESTORE = `INSERT INTO events
    (event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
  SELECT event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at
    FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::jsonb[],
                $7::jsonb[], $8::timestamptz[])
         WITH ORDINALITY AS row(event_id, stream_id, stream_version, type, schema_version, data,
                                metadata, recorded_at, ordinal)
   ORDER BY ordinal`;

/**
 * Writes `events` into the log as they were (id, stream, version, type, schema version, data,
 * metadata, recording time), after everything in it; their positions and cursors are new. For
 * rebuilding a store from an archive: no expected-version check, no hook, no command record.
 */
export async function restoreEvents(
  sql: SqlExecutor,
  events: readonly StoredEvent[],
): Promise<void> {
  await sql.query(RESTORE, [
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

const PAGE = 1_000;

/**
 * Every committed event of the log in read order, as stored — regardless of transactions still
 * open elsewhere in the cluster, which hold `readAll` back: for checking what a finished
 * restore wrote, never for following a live log.
 */
export async function* readCommittedLog(sql: SqlExecutor): AsyncGenerator<StoredEvent> {
  let after = { transaction: -1, position: -1 };
  for (;;) {
    const rows = await sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1, $2)
        ORDER BY transaction_id, global_position LIMIT ${PAGE}`,
      [after.transaction, after.position],
    );
    for (const row of rows) yield decodeRow(row, undefined).event;
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = { transaction: last.transaction_id, position: last.global_position };
  }
}
