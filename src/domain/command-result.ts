import type { AppendedEvent, AppendResult, Cursor } from '../store/index.js';

/** What handling a command did. */
export interface CommandResult {
  readonly commandId: string;
  readonly streamId: string;
  /** The stream's version afterwards: the `expectedVersion` for a follow-up. */
  readonly streamVersion: number;
  readonly events: readonly AppendedEvent[];
  /** Global position of the last appended event; `undefined` when none was appended. */
  readonly position: number | undefined;
  /** Log cursor of the last appended event, for read-your-writes. */
  readonly cursor: Cursor | undefined;
  /** True when this id was handled before and this is the first result again. */
  readonly duplicate: boolean;
}

/** The result of a command whose append (or decision to append nothing) is `appended`. */
export function resultOf(commandId: string, appended: AppendResult): CommandResult {
  return {
    commandId,
    streamId: appended.streamId,
    streamVersion: appended.streamVersion,
    events: appended.events,
    position: appended.events.at(-1)?.globalPosition,
    cursor: appended.cursor,
    duplicate: false,
  };
}
