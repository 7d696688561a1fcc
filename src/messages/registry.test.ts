import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { defineCommand, defineEvent, upcaster } from './define.js';
import {
  DuplicateMessageError,
  UnknownMessageError,
  UnknownSchemaVersionError,
  UpcastError,
  ValidationError,
} from './errors.js';
import { createMessageRegistry } from './registry.js';

const V1 = Type.Object({ fullName: Type.String() });
const V2 = Type.Object({ first: Type.String(), last: Type.String() });
const V3 = Type.Object({ first: Type.String(), last: Type.String(), middle: Type.String() });

const UserRenamed = defineEvent({
  name: 'identity.UserRenamed',
  version: 3,
  schema: V3,
  upcasters: [
    upcaster(1, V1, ({ fullName }) => {
      const [first = '', last = ''] = fullName.split(' ');
      return { first, last };
    }),
    upcaster(2, V2, (v2) => ({ ...v2, middle: '' })),
  ],
});
const RenameUser = defineCommand({
  name: 'identity.RenameUser',
  schema: Type.Object({ first: Type.String({ minLength: 1 }) }),
});

describe('message registry', () => {
  const registry = createMessageRegistry([UserRenamed, RenameUser]);

  it('refuses a name defined twice', () => {
    const twin = defineCommand({ name: 'identity.UserRenamed', schema: V1 });
    expect(() => createMessageRegistry([UserRenamed, twin])).toThrow(DuplicateMessageError);
  });

  it('finds messages by name and kind', () => {
    expect(registry.event('identity.UserRenamed')).toBe(UserRenamed);
    expect(registry.command('identity.RenameUser')).toBe(RenameUser);
    expect(registry.get('nope.Nope')).toBeUndefined();
    expect(() => registry.event('identity.RenameUser')).toThrow(UnknownMessageError);
    expect(() => registry.command('nope.Nope')).toThrow(/No command named "nope.Nope"/);
  });

  it('lists every message with plain JSON Schema, sorted by name', () => {
    const listed = registry.list();
    expect(listed.map((message) => message.name)).toEqual([
      'identity.RenameUser',
      'identity.UserRenamed',
    ]);
    expect(listed[1]).toEqual({
      kind: 'event',
      name: 'identity.UserRenamed',
      version: 3,
      schema: {
        type: 'object',
        required: ['first', 'last', 'middle'],
        properties: {
          first: { type: 'string' },
          last: { type: 'string' },
          middle: { type: 'string' },
        },
      },
    });
  });

  it('validates against the current schema', () => {
    expect(() => {
      registry.validate('identity.RenameUser', { first: 'Ada' });
    }).not.toThrow();
    expect(() => {
      registry.validate('identity.RenameUser', { first: '' });
    }).toThrow(ValidationError);
    expect(() => {
      registry.validate('nope.Nope', {});
    }).toThrow(UnknownMessageError);
  });

  it('upcasts through the whole chain, and leaves current data alone', () => {
    expect(registry.upcast('identity.UserRenamed', 1, { fullName: 'Ada Lovelace' })).toEqual({
      first: 'Ada',
      last: 'Lovelace',
      middle: '',
    });
    expect(registry.upcast('identity.UserRenamed', 2, { first: 'A', last: 'L' })).toEqual({
      first: 'A',
      last: 'L',
      middle: '',
    });
    const current = { first: 'A', last: 'L', middle: 'M' };
    expect(registry.upcast('identity.UserRenamed', 3, current)).toBe(current);
  });

  it('refuses versions it cannot read and upcasts that produce invalid data', () => {
    expect(() => registry.upcast('identity.UserRenamed', 4, {})).toThrow(UnknownSchemaVersionError);
    expect(() => registry.upcast('identity.UserRenamed', 0, {})).toThrow(UnknownSchemaVersionError);
    expect(() => registry.upcast('identity.Unknown', 1, {})).toThrow(UnknownMessageError);
    const error = (() => {
      try {
        return registry.upcast('identity.UserRenamed', 2, { first: 1 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UpcastError);
    expect((error as UpcastError).cause).toBeInstanceOf(ValidationError);
  });
});
