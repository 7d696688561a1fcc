import { describe, expect, it } from 'vitest';

import { findUnstorable, unstorableIn } from './storable-text.js';

describe('storable text', () => {
  it('accepts text with surrogate pairs and every other character', () => {
    expect(unstorableIn('plain é 😀 \u0001 \uffff')).toBeUndefined();
    expect(findUnstorable({ a: ['x', { b: '😀' }], n: 1, t: true, z: null })).toBeUndefined();
  });

  it('names the first unstorable string by its JSON pointer, keys escaped', () => {
    expect(findUnstorable({ ok: 'x', 'a/b': [{ 'c~d': 'bad \ud800' }] })).toEqual({
      path: '/a~1b/0/c~0d',
      message: expect.stringMatching(/surrogate/) as unknown,
    });
    expect(findUnstorable('\u0000')).toEqual({
      path: '',
      message: expect.stringMatching(/NUL/) as unknown,
    });
  });

  it('names a key that cannot be stored', () => {
    expect(findUnstorable({ outer: { 'k\u0000': 1 } })).toMatchObject({
      path: '/outer/k\u0000',
      message: expect.stringMatching(/^key .*NUL/) as unknown,
    });
  });

  it('walks values nested deeper than the call stack', () => {
    let deep: unknown = 'bad \udfff';
    for (let depth = 0; depth < 200_000; depth++) deep = [deep];
    expect(findUnstorable(deep)?.path).toBe('/0'.repeat(200_000));
  });
});
