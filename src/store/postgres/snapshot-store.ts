import { assertValidStreamId } from '../stream-id.js';
import type { Snapshot, SnapshotStore } from '../types.js';
import type { SqlExecutor } from './drivers/types.js';

const LOAD = `SELECT stream_id, stream_version, state_version, state, event_shapes
  FROM snapshots WHERE stream_id = $1`;

// A snapshot of a new state shape, or of state read through other event shapes, replaces the
// stored one even at a lower version: the stored one is no longer trusted by its writer.
const SAVE = `INSERT INTO snapshots (stream_id, stream_version, state_version, state, event_shapes)
  VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
  ON CONFLICT (stream_id) DO UPDATE
    SET stream_version = EXCLUDED.stream_version, state_version = EXCLUDED.state_version,
        state = EXCLUDED.state, event_shapes = EXCLUDED.event_shapes, taken_at = now()
    WHERE snapshots.stream_version < EXCLUDED.stream_version
       OR snapshots.state_version <> EXCLUDED.state_version
       OR snapshots.event_shapes IS DISTINCT FROM EXCLUDED.event_shapes`;

interface SnapshotRow {
  readonly stream_id: string;
  readonly stream_version: number;
  readonly state_version: number;
  readonly state: unknown;
  readonly event_shapes: Readonly<Record<string, string>> | null;
}

function snapshotOf(row: SnapshotRow): Snapshot {
  const snapshot = {
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    stateVersion: row.state_version,
    state: row.state,
  };
  return row.event_shapes === null ? snapshot : { ...snapshot, eventShapes: row.event_shapes };
}

/** Snapshots of deciders' state on `sql`, one per stream: the latest saved wins. */
export function createSnapshotStore(sql: SqlExecutor): SnapshotStore {
  return {
    async load(streamId) {
      assertValidStreamId(streamId);
      const rows = await sql.query<SnapshotRow>(LOAD, [streamId], 'strata_load_snapshot');
      const row = rows[0];
      return row === undefined ? undefined : snapshotOf(row);
    },
    async save(snapshot: Snapshot) {
      assertValidStreamId(snapshot.streamId);
      await sql.query(
        SAVE,
        [
          snapshot.streamId,
          snapshot.streamVersion,
          snapshot.stateVersion,
          JSON.stringify(snapshot.state),
          snapshot.eventShapes === undefined ? null : JSON.stringify(snapshot.eventShapes),
        ],
        'strata_save_snapshot',
      );
    },
  };
}
