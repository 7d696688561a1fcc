import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, StoreUnavailableError } from '../errors.js';
import {
  translateAppendError,
  translateUnavailable,
  unavailableReason,
} from './translate-error.js';

const withCode = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

describe('unavailableReason', () => {
  it.each([
    ['25006', 'read-only'],
    ['53100', 'disk-full'],
    ['53300', 'out-of-resources'],
    ['57P01', 'unreachable'],
    ['57P03', 'unreachable'],
    ['08006', 'unreachable'],
    ['ECONNREFUSED', 'unreachable'],
  ])('reads %s as %s', (code, reason) => {
    expect(unavailableReason(withCode(code))).toBe(reason);
  });

  it('reads the driver losing its connection as unreachable', () => {
    expect(unavailableReason(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
  });

  it('leaves errors of the request itself alone', () => {
    for (const code of ['23505', '22P05', '40001', '42P01']) {
      expect(unavailableReason(withCode(code))).toBeUndefined();
    }
    expect(translateUnavailable(withCode('23505'))).not.toBeInstanceOf(StoreUnavailableError);
  });

  it('keeps the driver error as the cause and out of the message', () => {
    const driverError = withCode('25006');
    const translated = translateUnavailable(driverError) as StoreUnavailableError;
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect(translated.cause).toBe(driverError);
    expect(translated.message).not.toContain('server said');
  });
});

describe('translateAppendError', () => {
  it('reads text PostgreSQL cannot store in jsonb as an invalid argument, keeping the cause', () => {
    const loneSurrogate = Object.assign(
      new Error(
        'invalid input syntax for type json: Unicode low surrogate must follow a high surrogate',
      ),
      { code: '22P02' },
    );
    for (const driverError of [withCode('22P05'), loneSurrogate]) {
      const translated = translateAppendError(driverError, undefined);
      expect(translated).toBeInstanceOf(InvalidArgumentError);
      expect((translated as InvalidArgumentError).cause).toBe(driverError);
    }
  });

  it('leaves invalid text of another type alone', () => {
    const badBigint = Object.assign(new Error('invalid input syntax for type bigint: "x"'), {
      code: '22P02',
    });
    expect(translateAppendError(badBigint, undefined)).toBe(badBigint);
  });
});
