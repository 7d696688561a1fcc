import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';

import {
  BusPublishRefusedError,
  BusStreamIncompatibleError,
  connectJetStream,
  createRelay,
  streamSettings,
} from '../../../src/bus/index.js';
import { collect } from '../../support/async.js';
import { streamCount, streamMessages } from '../../support/bus-stream.js';
import type { TestDatabase } from '../../support/test-database.js';
import { ThingHappened } from '../../support/test-messages.js';
import { appendMany, expectStreamIsTheLog } from './forwarder.contract.js';
import { useForwarders } from './forwarder-fixture.js';

const acked = { awaitAcks: true } as const;

export function forwarderFaultsContract(db: () => TestDatabase): void {
  describe('bus forwarder under faults', () => {
    const { nats, startForwarder } = useForwarders(() => db().store);

    it('refuses the publishes of a stale second forwarder (chained on the last sequence)', async () => {
      const live = await startForwarder();
      expect(await live.caughtUp(await appendMany(db(), 10, 5))).toBe(true);
      await live.stop();
      const settings = streamSettings({
        app: live.stream,
        servers: nats().url,
        parkedCursors: () => Promise.resolve(new Set()),
      });
      const relayOn = async () => {
        const handles = await connectJetStream({
          servers: nats().url,
          timeoutMs: 2_000,
          name: 't',
        });
        const relay = createRelay({
          ...handles,
          stream: live.stream,
          space: { app: live.forwarder.stream.subjects.split('.')[1]! },
          maxMsgSize: settings.maxMsgSize,
          window: 8,
          parkedCursors: () => Promise.resolve(new Set()),
        });
        return {
          relay,
          close: async () => {
            relay.close();
            await handles.nc.close();
          },
        };
      };
      const zombie = await relayOn();
      const pipelined = await relayOn();
      const current = await relayOn();
      try {
        await zombie.relay.forward([], db().store, acked); // reads the tail, as it did before it stalled
        await pipelined.relay.forward([], db().store, acked);
        const appended = await appendMany(db(), 5, 5);
        const fresh = (await collect(db().store.readAll())).slice(-5);
        expect(fresh.at(-1)?.cursor).toBe(appended);
        await current.relay.forward(fresh, db().store, acked);
        await expect(zombie.relay.forward(fresh, db().store, acked)).rejects.toBeInstanceOf(
          BusPublishRefusedError,
        );
        // Refused, it re-reads the stream's tail: the events are there, nothing is sent twice.
        await zombie.relay.forward(fresh, db().store, acked);
        // Not awaiting its acks, a stale relay hears of the refusal on its next call.
        await pipelined.relay.forward(fresh, db().store, { awaitAcks: false });
        await pipelined.relay.settle();
        await expect(pipelined.relay.forward(fresh, db().store, acked)).rejects.toBeInstanceOf(
          BusPublishRefusedError,
        );
        await pipelined.relay.forward(fresh, db().store, acked);
        await expectStreamIsTheLog(db(), nats().url, live.stream);
      } finally {
        await zombie.close();
        await pipelined.close();
        await current.close();
      }
    });

    it('re-publishes the whole log into a stream that lost every message', async () => {
      const app = `lost${crypto.randomUUID().slice(0, 6)}`;
      const first = await startForwarder({ app });
      expect(await first.caughtUp(await appendMany(db(), 40, 10))).toBe(true);
      await first.stop();
      const nc = await connect({ servers: nats().url });
      await (await jetstreamManager(nc)).streams.delete(first.stream);
      await nc.close();
      // Same subscriber, same checkpoint: the empty stream, not the checkpoint, decides.
      const second = await startForwarder({ app });
      expect(await second.caughtUp(await appendMany(db(), 5, 5))).toBe(true);
      await expectStreamIsTheLog(db(), nats().url, second.stream);
    });

    it('parks an event larger than the stream takes, with the reason, and forwards the rest', async () => {
      const forwarder = await startForwarder({
        stream: { maxMsgSize: 2_048 },
      });
      expect(await forwarder.caughtUp(await appendMany(db(), 5, 5))).toBe(true);
      const big = await db().store.appendToStream(`huge-${crypto.randomUUID()}`, [
        { type: ThingHappened.name, data: { n: 1, note: 'x'.repeat(4_000) } },
      ]);
      const after = await appendMany(db(), 5, 5);
      expect(await forwarder.caughtUp(after, 30_000)).toBe(true);
      const parked = await forwarder.engine.parked.list({
        subscriber: forwarder.forwarder.subscriber.name,
      });
      expect(parked.map((event) => event.eventId)).toEqual([big.events[0]!.id]);
      expect(parked[0]!.error).toContain('max_msg_size');
      const log = await collect(db().store.readAll());
      expect(await streamCount(nats().url, forwarder.stream)).toBe(log.length - 1);
      // The operator raises the limit and retries: the event is published, once.
      await forwarder.stop();
      const app = forwarder.forwarder.stream.subjects.split('.')[1]!;
      const raised = await startForwarder({ app, stream: { maxMsgSize: 65_536 } });
      const name = raised.forwarder.subscriber.name;
      expect(await raised.engine.parked.retry(name, parked[0]!.globalPosition)).toBe('handled');
      const ids = (await streamMessages(nats().url, raised.stream)).map(
        (message) => message.headers['Nats-Msg-Id'],
      );
      expect(ids.filter((id) => id === big.events[0]!.id)).toHaveLength(1);
      expect(new Set(ids).size).toBe(log.length);
    });

    it('refuses to start on an existing stream of other storage, naming the difference', async () => {
      const app = `clash${crypto.randomUUID().slice(0, 6)}`;
      const settings = streamSettings({
        app,
        servers: nats().url,
        parkedCursors: () => Promise.resolve(new Set()),
      });
      const nc = await connect({ servers: nats().url });
      await (
        await jetstreamManager(nc)
      ).streams.add({
        name: settings.name,
        subjects: [settings.subjects],
        storage: StorageType.Memory,
      });
      await nc.close();
      const started = startForwarder({ app });
      await expect(started).rejects.toBeInstanceOf(BusStreamIncompatibleError);
      await expect(started).rejects.toThrow(/storage is memory, not file/);
    });
  });
}
