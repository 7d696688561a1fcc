import { describe, expect, it } from 'vitest';

import type { TestDatabase } from '../../support/test-database.js';
import { freshStreamId } from '../../support/test-messages.js';

export function snapshotsContract(db: () => TestDatabase): void {
  describe('snapshots', () => {
    it('saves and loads the newest snapshot of a stream', async () => {
      const { snapshots } = db().store;
      const streamId = freshStreamId();
      expect(await snapshots.load(streamId)).toBeUndefined();
      await snapshots.save({ streamId, streamVersion: 10, stateVersion: 1, state: { total: 10 } });
      await snapshots.save({ streamId, streamVersion: 20, stateVersion: 1, state: { total: 20 } });
      expect(await snapshots.load(streamId)).toEqual({
        streamId,
        streamVersion: 20,
        stateVersion: 1,
        state: { total: 20 },
      });
    });

    it('keeps a newer snapshot over an older one written late', async () => {
      const { snapshots } = db().store;
      const streamId = freshStreamId();
      await snapshots.save({ streamId, streamVersion: 20, stateVersion: 1, state: { total: 20 } });
      await snapshots.save({ streamId, streamVersion: 10, stateVersion: 1, state: { total: 10 } });
      expect((await snapshots.load(streamId))?.streamVersion).toBe(20);
    });

    it('replaces a snapshot of another state shape even at a lower version', async () => {
      const { snapshots } = db().store;
      const streamId = freshStreamId();
      await snapshots.save({ streamId, streamVersion: 20, stateVersion: 1, state: { total: 20 } });
      await snapshots.save({ streamId, streamVersion: 15, stateVersion: 2, state: { sum: 15 } });
      expect(await snapshots.load(streamId)).toMatchObject({ streamVersion: 15, stateVersion: 2 });
    });

    it('keeps what shaped the state, and replaces a snapshot shaped otherwise', async () => {
      const { snapshots } = db().store;
      const streamId = freshStreamId();
      const eventShapes = { 'tests.Added': '1' };
      await snapshots.save({
        streamId,
        streamVersion: 20,
        stateVersion: 1,
        state: {},
        eventShapes,
      });
      expect(await snapshots.load(streamId)).toMatchObject({ streamVersion: 20, eventShapes });
      const upcast = { 'tests.Added': '2:abc' };
      await snapshots.save({
        streamId,
        streamVersion: 15,
        stateVersion: 1,
        state: {},
        eventShapes: upcast,
      });
      expect(await snapshots.load(streamId)).toMatchObject({
        streamVersion: 15,
        eventShapes: upcast,
      });
    });
  });
}
