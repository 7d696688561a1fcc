import type { LoggedEvent } from './log-queries.js';

/** Where an event sits in its conversation: what led to it, and what it led to. */
export interface Lineage {
  /** The chain above it, nearest first: the events whose reactions caused its command. */
  readonly causes: readonly LoggedEvent[];
  /** The other events its own command appended. */
  readonly siblings: readonly LoggedEvent[];
  /** The events appended by commands it caused (a reactor's, a process manager's). */
  readonly effects: readonly LoggedEvent[];
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The lineage of `event` among `conversation` (the events of its correlation): its command's
 * cause, followed up while it is an event of the conversation (cycles stop), its command's other
 * events, and the events of the commands it caused. No peer shows this; the causation and
 * correlation ids every command stamps make it a walk over one correlation's events.
 */
export function lineageOf(event: LoggedEvent, conversation: readonly LoggedEvent[]): Lineage {
  const byId = new Map(conversation.map((each) => [each.id, each]));
  const causes: LoggedEvent[] = [];
  const seen = new Set([event.id]);
  let cause = byId.get(text(event.metadata.commandCausationId) ?? '');
  while (cause !== undefined && !seen.has(cause.id)) {
    causes.push(cause);
    seen.add(cause.id);
    cause = byId.get(text(cause.metadata.commandCausationId) ?? '');
  }
  const command = text(event.metadata.commandId);
  return {
    causes,
    siblings: conversation.filter(
      (each) =>
        each.id !== event.id && command !== undefined && each.metadata.commandId === command,
    ),
    effects: conversation.filter((each) => each.metadata.commandCausationId === event.id),
  };
}
