import { Type } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';

import { defineEvent } from '../messages/index.js';
import { defineProjection } from './define.js';

const ProjectCreated = defineEvent({
  name: 'projects.ProjectCreated',
  schema: Type.Object({ projectId: Type.String(), budget: Type.Number() }),
});
const ProjectRenamed = defineEvent({
  name: 'projects.ProjectRenamed',
  schema: Type.Object({ projectId: Type.String(), name: Type.String() }),
});

describe('projection handler types', () => {
  it('types each handler from the events the projection lists', () => {
    defineProjection({
      name: 'projects.detail',
      version: 1,
      events: [ProjectCreated, ProjectRenamed],
      handlers: {
        'projects.ProjectCreated': (event) => {
          expectTypeOf(event.type).toEqualTypeOf<'projects.ProjectCreated'>();
          expectTypeOf(event.data).toEqualTypeOf<{ projectId: string; budget: number }>();
        },
        'projects.ProjectRenamed': (event) => {
          expectTypeOf(event.data.name).toEqualTypeOf<string>();
        },
      },
    });
  });

  it('refuses a handler for an event it does not list', () => {
    defineProjection({
      name: 'projects.detail',
      version: 1,
      events: [ProjectCreated],
      handlers: {
        // @ts-expect-error not one of the listed events
        'projects.ProjectDeleted': () => undefined,
      },
    });
  });

  it('takes any event name, untyped, when no events are listed', () => {
    defineProjection({
      name: 'audit.all',
      version: 1,
      handlers: {
        'anything.Happened': (event) => {
          expectTypeOf(event.data).toEqualTypeOf<unknown>();
        },
      },
    });
  });
});
