import { createHash } from 'node:crypto';

import type { MessageRegistry } from '../messages/index.js';

/** For each event type folded into a state, how it was read: see `Snapshot.eventShapes`. */
export type EventShapes = Readonly<Record<string, string>>;

/**
 * How events of `type` are read now: the schema version, plus a digest of the upcasters' code
 * when there are any (a fixed upcaster changes what old events fold into). A type the registry
 * does not know has a shape of its own, so registering it later counts as a change.
 */
function shapeOf(registry: MessageRegistry, type: string): string {
  const definition = registry.get(type);
  if (definition?.kind !== 'event') return 'unregistered';
  const { upcasters: steps } = registry.event(type);
  const upcasters = steps.map((step) => step.upcast.toString());
  if (upcasters.length === 0) return String(definition.version);
  const digest = createHash('sha256').update(upcasters.join('\n')).digest('base64url');
  return `${definition.version}:${digest.slice(0, 16)}`;
}

/** The shapes, as read now, of the event types `types`. */
export function eventShapesOf(registry: MessageRegistry, types: Iterable<string>): EventShapes {
  return Object.fromEntries(
    [...new Set(types)].sort().map((type) => [type, shapeOf(registry, type)]),
  );
}

/** True when every event type recorded in `recorded` is still read the way it was then. */
export function shapesStillHold(registry: MessageRegistry, recorded: EventShapes): boolean {
  return Object.entries(recorded).every(([type, shape]) => shapeOf(registry, type) === shape);
}
