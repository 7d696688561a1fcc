import { describe, expect, it } from 'vitest';

import { InvalidStreamIdError } from './errors.js';
import { assertValidStreamId, MAX_STREAM_ID_LENGTH, streamCategory } from './stream-id.js';

describe('stream ids', () => {
  it('takes the category from the part before the first dash', () => {
    expect(streamCategory('project-42')).toBe('project');
    expect(streamCategory('project-42-tasks')).toBe('project');
    expect(streamCategory('singleton')).toBe('singleton');
  });

  it('accepts printable ids up to the limit, unicode included', () => {
    expect(() => {
      assertValidStreamId('x'.repeat(MAX_STREAM_ID_LENGTH));
    }).not.toThrow();
    expect(() => {
      assertValidStreamId('projet-été-🚀');
    }).not.toThrow();
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(MAX_STREAM_ID_LENGTH + 1), `at most ${MAX_STREAM_ID_LENGTH}`],
    ['a\tb', 'control characters'],
    ['a\u007fb', 'control characters'],
    ['a\u0085b', 'control characters'],
    ['.', 'must not be "." or ".."'],
    ['..', 'must not be "." or ".."'],
    ['a\ud800b', 'unpaired UTF-16 surrogates'],
    ['\udc00', 'unpaired UTF-16 surrogates'],
  ])('refuses %j: %s', (streamId, rule) => {
    expect(() => {
      assertValidStreamId(streamId);
    }).toThrow(InvalidStreamIdError);
    expect(() => {
      assertValidStreamId(streamId);
    }).toThrow(rule);
  });

  it('refuses a value that is not a string', () => {
    expect(() => {
      assertValidStreamId(42);
    }).toThrow('must be a string');
  });
});
