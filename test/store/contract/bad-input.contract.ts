import { describe, expect, it } from 'vitest';

import { UnknownMessageError, ValidationError } from '../../../src/messages/index.js';
import {
  ConcurrencyError,
  EventTooLargeError,
  InvalidArgumentError,
  InvalidStreamIdError,
  MAX_STREAM_ID_LENGTH,
  type NewEvent,
} from '../../../src/store/index.js';
import type { TestDatabase } from '../../support/test-database.js';
import { freshStreamId, happened } from '../../support/test-messages.js';

export function badInputContract(db: () => TestDatabase): void {
  describe('bad input', () => {
    /** Runs `attempt`, expects it to throw `errorClass`, and checks no event was written. */
    async function expectRefusedWithoutWrites(
      attempt: () => Promise<unknown>,
      errorClass: abstract new (...args: never[]) => Error,
    ): Promise<unknown> {
      const before = await db().countEvents();
      const error = await attempt().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(errorClass);
      expect(await db().countEvents()).toBe(before);
      return error;
    }

    it('refuses invalid data, naming every failing field, and writes nothing of the batch', async () => {
      const { store } = db();
      const error = await expectRefusedWithoutWrites(
        () =>
          store.appendToStream(freshStreamId(), [
            happened(1),
            { type: 'test.ThingHappened', data: { n: 1.5, note: 7, extra: true } },
          ]),
        ValidationError,
      );
      expect((error as ValidationError).issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: '/n', rule: 'type' }),
          expect.objectContaining({ path: '/note', rule: 'type' }),
        ]),
      );
    });

    it('refuses an unknown event type', async () => {
      const { store } = db();
      const error = await expectRefusedWithoutWrites(
        () => store.appendToStream(freshStreamId(), [{ type: 'test.Unheard', data: {} }]),
        UnknownMessageError,
      );
      expect(error).toMatchObject({ messageName: 'test.Unheard' });
    });

    it('refuses an event over the size limit', async () => {
      const { store } = db();
      const big = { type: 'test.ThingHappened', data: { n: 1, note: 'é'.repeat(600_000) } };
      const error = await expectRefusedWithoutWrites(
        () => store.appendToStream(freshStreamId(), [happened(1), big]),
        EventTooLargeError,
      );
      expect(error).toMatchObject({ limit: 1024 * 1024 });
      expect((error as EventTooLargeError).size).toBeGreaterThan(1024 * 1024);
    });

    it.each([
      ['empty', ''],
      ['too long', 'x'.repeat(MAX_STREAM_ID_LENGTH + 1)],
      ['a control character', 'thing-\u0000-1'],
      ['a newline', 'thing-1\n'],
    ])('refuses a stream id that is %s', async (_, streamId) => {
      const { store } = db();
      await expectRefusedWithoutWrites(
        () => store.appendToStream(streamId, [happened(1)]),
        InvalidStreamIdError,
      );
      await expect(store.readStream(streamId)).rejects.toBeInstanceOf(InvalidStreamIdError);
    });

    it('accepts SQL and path characters in stream ids as plain data', async () => {
      const { store } = db();
      const streamId = `thing-'; DROP TABLE events; --/../../etc/passwd-${crypto.randomUUID()}`;
      await store.appendToStream(streamId, [happened(1)]);
      expect((await store.readStream(streamId)).map((event) => event.streamId)).toEqual([streamId]);
    });

    it('refuses a wrong expected version and writes nothing of the batch', async () => {
      const { store } = db();
      const streamId = freshStreamId();
      await store.appendToStream(streamId, [happened(1)]);
      await expectRefusedWithoutWrites(
        () => store.appendToStream(streamId, [happened(2), happened(3)], { expectedVersion: 0 }),
        ConcurrencyError,
      );
    });

    it.each([
      ['a negative expected version', { expectedVersion: -1 }],
      ['a fractional expected version', { expectedVersion: 1.5 }],
    ])('refuses %s', async (_, options) => {
      const { store } = db();
      await expectRefusedWithoutWrites(
        () => store.appendToStream(freshStreamId(), [happened(1)], options),
        InvalidArgumentError,
      );
    });

    it('refuses a malformed event id and text PostgreSQL cannot store', async () => {
      const { store } = db();
      const badId: NewEvent = { id: 'not-a-uuid', type: 'test.ThingHappened', data: { n: 1 } };
      await expectRefusedWithoutWrites(
        () => store.appendToStream(freshStreamId(), [badId]),
        InvalidArgumentError,
      );
      await expectRefusedWithoutWrites(
        () => store.appendToStream(freshStreamId(), [happened(1, 'nul \u0000 inside')]),
        InvalidArgumentError,
      );
    });
  });
}
