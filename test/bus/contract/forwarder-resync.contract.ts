import { describe, expect, it } from 'vitest';

import { connectJetStream, resyncStream, ResyncPositionError } from '../../../src/bus/index.js';
import { collect } from '../../support/async.js';
import { streamMessages } from '../../support/bus-stream.js';
import type { TestDatabase } from '../../support/test-database.js';
import { appendMany } from './forwarder.contract.js';
import { useForwarders } from './forwarder-fixture.js';

export function forwarderResyncContract(db: () => TestDatabase): void {
  describe('bus resync', () => {
    const { nats, startForwarder } = useForwarders(() => db().store);

    it('re-publishes from a position to the tail, and the forwarder goes on after its own tail', async () => {
      const forwarder = await startForwarder({ stream: { duplicateWindowMs: 100 } });
      expect(await forwarder.caughtUp(await appendMany(db(), 20, 5))).toBe(true);
      const log = await collect(db().store.readAll());
      const from = log.at(-6)!;
      await new Promise((settle) => setTimeout(settle, 300)); // past the duplicate window
      const handles = await connectJetStream({ servers: nats().url, timeoutMs: 2_000, name: 't' });
      const options = {
        ...handles,
        stream: forwarder.stream,
        space: { app: forwarder.forwarder.stream.subjects.split('.')[1]! },
        maxMsgSize: forwarder.forwarder.stream.maxMsgSize,
        store: db().store,
      };
      try {
        const report = await resyncStream({ ...options, from: from.globalPosition });
        expect(report).toEqual({ published: 6, duplicates: 0, tooLarge: 0 });
        await expect(resyncStream({ ...options, from: 10_000_000 })).rejects.toBeInstanceOf(
          ResyncPositionError,
        );
      } finally {
        await handles.nc.close();
      }
      const end = await appendMany(db(), 4, 2);
      expect(await forwarder.caughtUp(end)).toBe(true);
      const ids = (await streamMessages(nats().url, forwarder.stream)).map(
        (message) => message.headers['Nats-Msg-Id'],
      );
      const after = (await collect(db().store.readAll())).slice(log.length);
      expect(ids).toEqual([
        ...log.map((event) => event.id),
        ...log.slice(-6).map((event) => event.id),
        ...after.map((event) => event.id),
      ]);
    });
  });
}
