import type { CommandRecord } from '../types.js';
import {
  APPEND_EVENT,
  APPEND_EVENTS,
  APPEND_EVENTS_FOR_COMMAND,
  RECORD_COMMAND,
  type AppendSql,
} from './append-sql.js';
import { functionCall } from './append-functions.js';
import type { EncodedEvents } from './encode-events.js';

/** One row per appended event (or one for a recorded command); none when refused. */
export interface AppendedRow {
  readonly global_position: number | null;
  readonly stream_version: number;
  readonly transaction_id: number | null;
}

/** A statement as text, prepared-statement name and parameters. */
export interface Statement {
  readonly text: string;
  readonly name: string;
  readonly params: readonly unknown[];
}

/**
 * The statement appending these events (at least one) and recording the command, if any; or,
 * with no events, recording the command alone. With `viaFunction`, it calls the statement's
 * PL/pgSQL function instead of running its text (PGlite).
 */
export function appendStatement(
  streamId: string,
  expected: number,
  events: EncodedEvents,
  command: CommandRecord | undefined,
  viaFunction: boolean,
): Statement {
  const bind = (sql: AppendSql, params: readonly unknown[]): Statement => ({
    text: viaFunction ? functionCall(sql) : sql.text,
    name: sql.name,
    params,
  });
  const { ids, types, schemaVersions, data, metadata } = events;
  if (ids.length === 0) {
    if (command === undefined) throw new Error('an append statement needs events or a command');
    return bind(RECORD_COMMAND, [
      streamId,
      expected,
      command.id,
      command.type,
      command.fingerprint,
    ]);
  }
  if (command !== undefined) {
    const { id, type, fingerprint } = command;
    return bind(APPEND_EVENTS_FOR_COMMAND, [
      ...[streamId, expected, ids, types, schemaVersions, data, metadata],
      ...[id, type, fingerprint],
    ]);
  }
  if (ids.length === 1) {
    return bind(APPEND_EVENT, [
      ...[streamId, expected, ids[0], types[0], schemaVersions[0], data[0], metadata[0]],
    ]);
  }
  return bind(APPEND_EVENTS, [streamId, expected, ids, types, schemaVersions, data, metadata]);
}
