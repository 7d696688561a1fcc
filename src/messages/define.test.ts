import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { defineCommand, defineEvent, upcaster } from './define.js';
import { InvalidDefinitionError } from './errors.js';

const Schema = Type.Object({ id: Type.String() });

describe('defineEvent and defineCommand', () => {
  it('declares a message with its kind, name, version and schema', () => {
    const created = defineEvent({ name: 'projects.ProjectCreated', schema: Schema });
    expect(created).toMatchObject({ kind: 'event', name: 'projects.ProjectCreated', version: 1 });
    expect(created.schema).toBe(Schema);
    const create = defineCommand({
      name: 'projects.CreateProject',
      schema: Schema,
      description: 'Creates',
    });
    expect(create).toMatchObject({ kind: 'command', version: 1, description: 'Creates' });
  });

  it.each([
    'ProjectCreated',
    'projects.',
    '.Created',
    'projects..Created',
    'projects.Project Created',
    '',
  ])('refuses the undotted or malformed name %j', (name) => {
    expect(() => defineEvent({ name, schema: Schema })).toThrow(InvalidDefinitionError);
  });

  it.each([0, -1, 1.5])('refuses version %s', (version) => {
    expect(() => defineCommand({ name: 'a.B', version, schema: Schema })).toThrow(
      /positive integer/,
    );
  });

  it('requires one upcaster per older version, in order', () => {
    const v1 = Type.Object({ a: Type.Number() });
    const v2 = Type.Object({ b: Type.Number() });
    expect(() => defineEvent({ name: 'a.B', version: 3, schema: Schema })).toThrow(
      /needs 2 upcaster/,
    );
    expect(() =>
      defineEvent({
        name: 'a.B',
        version: 3,
        schema: Schema,
        upcasters: [upcaster(2, v2, () => ({ id: 'x' })), upcaster(2, v2, () => ({ id: 'x' }))],
      }),
    ).toThrow(/cover versions 1..2/);
    const ok = defineEvent({
      name: 'a.B',
      version: 3,
      schema: Schema,
      upcasters: [
        upcaster(2, v2, (d) => ({ id: String(d.b) })),
        upcaster(1, v1, (d) => ({ b: d.a })),
      ],
    });
    expect(ok.upcasters.map((step) => step.fromVersion)).toEqual([1, 2]);
  });
});
