import { assertValidStreamId } from '../stream-id.js';
import type { Snapshot, SnapshotStore } from '../types.js';
import type { SqlExecutor } from './drivers/types.js';

const LOAD = `SELECT stream_id, stream_version, state_version, state
  FROM snapshots WHERE stream_id = $1`;

// A snapshot of a new state shape replaces an old-shaped one even at a lower version.
const SAVE = `INSERT INTO snapshots (stream_id, stream_version, state_version, state)
  VALUES ($1, $2, $3, $4::jsonb)
  ON CONFLICT (stream_id) DO UPDATE
    SET stream_version = EXCLUDED.stream_version, state_version = EXCLUDED.state_version,
        state = EXCLUDED.state, taken_at = now()
    WHERE snapshots.stream_version < EXCLUDED.stream_version
       OR snapshots.state_version <> EXCLUDED.state_version`;

interface SnapshotRow {
  readonly stream_id: string;
  readonly stream_version: number;
  readonly state_version: number;
  readonly state: unknown;
}

export function createSnapshotStore(sql: SqlExecutor): SnapshotStore {
  return {
    async load(streamId) {
      assertValidStreamId(streamId);
      const rows = await sql.query<SnapshotRow>(LOAD, [streamId], 'strata_load_snapshot');
      const row = rows[0];
      return row === undefined
        ? undefined
        : {
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            stateVersion: row.state_version,
            state: row.state,
          };
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
        ],
        'strata_save_snapshot',
      );
    },
  };
}
