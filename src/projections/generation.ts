import type { EventFilter } from '../store/index.js';
import type { ProjectionDefinition } from './define.js';

/** The name of the subscriber that fills generation `generation` of `projection`. */
export function projectionSubscriber(projection: string, generation: number): string {
  return `projection:${projection}:g${generation}`;
}

/** The events a projection reads: the types it has handlers for. */
export function filterOf(definition: ProjectionDefinition): EventFilter {
  return { types: Object.keys(definition.handlers) };
}
