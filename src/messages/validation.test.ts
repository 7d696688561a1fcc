import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { ValidationError } from './errors.js';
import { validatorFor } from './validation.js';

const Schema = Type.Object(
  {
    title: Type.String({ minLength: 1 }),
    count: Type.Integer({ minimum: 0 }),
    email: Type.String({ format: 'email' }),
    tags: Type.Array(Type.String({ maxLength: 3 })),
    owner: Type.Object({ id: Type.String(), 'a/b': Type.String() }),
  },
  { additionalProperties: false },
);

const valid = {
  title: 't',
  count: 0,
  email: 'a@b.co',
  tags: ['x'],
  owner: { id: 'u', 'a/b': 'c' },
};

describe('message validation', () => {
  it('compiles each schema once', () => {
    expect(validatorFor(Schema)).toBe(validatorFor(Schema));
  });

  it('accepts valid data', () => {
    expect(validatorFor(Schema).issues(valid)).toEqual([]);
  });

  it('lists every failing field by JSON path with the rule it broke', () => {
    const issues = validatorFor(Schema).issues({
      title: '',
      count: -1.5,
      email: 'nope',
      tags: ['abcd', 3],
      owner: {},
      extra: 1,
    });
    expect(issues.map(({ path, rule }) => [path, rule])).toEqual(
      expect.arrayContaining([
        ['/title', 'minLength'],
        ['/count', 'type'],
        ['/count', 'minimum'],
        ['/email', 'format'],
        ['/tags/0', 'maxLength'],
        ['/tags/1', 'type'],
        ['/owner/id', 'required'],
        ['/owner/a~1b', 'required'],
        ['/extra', 'additionalProperties'],
      ]),
    );
    expect(issues.every((issue) => issue.message.length > 0)).toBe(true);
  });

  it('names the message and each field in the thrown error', () => {
    const error = (() => {
      try {
        validatorFor(Schema).assert('projects.CreateProject', { ...valid, title: '' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      messageName: 'projects.CreateProject',
    });
    expect((error as Error).message).toMatch(
      /projects.CreateProject is invalid: \/title .*minLength/,
    );
  });

  it('reports a wrong top-level type at the root', () => {
    expect(validatorFor(Schema).issues(null)).toEqual([
      expect.objectContaining({ path: '', rule: 'type' }),
    ]);
  });
});
