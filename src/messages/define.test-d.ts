import { Type } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';

import { defineCommand, defineEvent, type CommandOf, type EventOf } from './define.js';

const ProjectCreated = defineEvent({
  name: 'projects.ProjectCreated',
  schema: Type.Object({
    projectId: Type.String(),
    budget: Type.Optional(Type.Number()),
    tags: Type.Array(Type.String()),
  }),
});
const ProjectRenamed = defineEvent({
  name: 'projects.ProjectRenamed',
  schema: Type.Object({ projectId: Type.String(), name: Type.String() }),
});
const CreateProject = defineCommand({
  name: 'projects.CreateProject',
  schema: Type.Object({ projectId: Type.String() }),
});

describe('message types inferred from schemas', () => {
  it('keeps the literal name', () => {
    expectTypeOf(ProjectCreated.name).toEqualTypeOf<'projects.ProjectCreated'>();
    expectTypeOf(CreateProject.kind).toEqualTypeOf<'command'>();
    expectTypeOf(ProjectRenamed.kind).toEqualTypeOf<'event'>();
  });

  it('infers event data from the schema', () => {
    expectTypeOf<EventOf<typeof ProjectCreated>>().toEqualTypeOf<{
      readonly type: 'projects.ProjectCreated';
      readonly data: { projectId: string; budget?: number; tags: string[] };
    }>();
  });

  it('gives a discriminated union for a union of definitions', () => {
    type ProjectEvent = EventOf<typeof ProjectCreated | typeof ProjectRenamed>;
    const narrow = (event: ProjectEvent) =>
      event.type === 'projects.ProjectRenamed' ? event.data.name : event.data.tags;
    expectTypeOf(narrow).returns.toEqualTypeOf<string | string[]>();
  });

  it('infers command data', () => {
    expectTypeOf<CommandOf<typeof CreateProject>['data']>().toEqualTypeOf<{ projectId: string }>();
    // @ts-expect-error a command's data must match its schema
    const wrong: CommandOf<typeof CreateProject>['data'] = { id: 1 };
    expectTypeOf(wrong).toEqualTypeOf<{ projectId: string }>();
  });
});
