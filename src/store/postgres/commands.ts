import { encodeCursor } from '../cursor.js';
import type { AppendResult, RecordedCommand } from '../types.js';
import type { SqlExecutor } from './drivers/types.js';

const FIND_COMMAND = `SELECT command_id, command_type, fingerprint, stream_id, stream_version,
    last_transaction_id, last_position, events
  FROM commands WHERE command_id = $1`;

interface CommandRow {
  readonly command_id: string;
  readonly command_type: string;
  readonly fingerprint: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly last_transaction_id: number | null;
  readonly last_position: number | null;
  readonly events: AppendResult['events'];
}

/** The command recorded under `commandId` with the result of its append, if any. */
export async function findCommand(
  sql: SqlExecutor,
  commandId: string,
): Promise<RecordedCommand | undefined> {
  const [row] = await sql.query<CommandRow>(FIND_COMMAND, [commandId], 'strata_find_command');
  return row === undefined ? undefined : recordedCommand(row);
}

function recordedCommand(row: CommandRow): RecordedCommand {
  return {
    id: row.command_id,
    type: row.command_type,
    fingerprint: row.fingerprint,
    streamId: row.stream_id,
    result: {
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      events: row.events,
      cursor:
        row.last_transaction_id === null || row.last_position === null
          ? undefined
          : encodeCursor(row.last_transaction_id, row.last_position),
    },
  };
}
