import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { BusPublishError } from '../../src/bus/index.js';
import { openAckInbox, type AckInbox, type StoredAck } from '../../src/bus/nats/ack-inbox.js';
import { isWrongLastSequence } from '../../src/bus/nats/publisher.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';

const payload = new TextEncoder().encode('{}');

/** How a publish through `inbox` ended: its ack or its error. */
const outcomeOf = (inbox: AckInbox, subject: string, h: MsgHdrs) =>
  new Promise<StoredAck | BusPublishError>((resolve) => {
    inbox.publish(subject, payload, h, resolve);
  });

describeWithNats('the ack inbox (JetStream publishes acked on one subscription)', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'INBOX_TEST', subjects: ['inbox.>'] });
  });
  afterAll(async () => {
    await nc.close();
    await server.destroy();
  });

  it('resolves each publish with the sequence the stream stored it at, and flags duplicates', async () => {
    const inbox = openAckInbox(nc, 2_000);
    try {
      const acks = await Promise.all(
        Array.from({ length: 300 }, (_, n) => {
          const h = headers();
          h.set('Nats-Msg-Id', `id-${n % 200}`);
          return outcomeOf(inbox, `inbox.a.${n}`, h);
        }),
      );
      const stored = acks.map((ack) => {
        if (ack instanceof BusPublishError) throw ack;
        return ack;
      });
      expect(stored.slice(0, 200).map((ack) => ack.seq)).toEqual(
        Array.from({ length: 200 }, (_, n) => n + 1),
      );
      expect(stored.slice(200).every((ack) => ack.duplicate)).toBe(true);
    } finally {
      inbox.close();
    }
  });

  it('rejects a refused chained publish with JetStream’s error code', async () => {
    const inbox = openAckInbox(nc, 2_000);
    try {
      const h = headers();
      h.set('Nats-Expected-Last-Sequence', '1');
      const refused = await outcomeOf(inbox, 'inbox.b', h);
      expect(refused).toBeInstanceOf(BusPublishError);
      expect(isWrongLastSequence(refused)).toBe(true);
    } finally {
      inbox.close();
    }
  });

  it('rejects a publish no stream takes (no responders) at once, not after the timeout', async () => {
    const inbox = openAckInbox(nc, 60_000);
    try {
      const started = Date.now();
      const error = await outcomeOf(inbox, 'nowhere.x', headers());
      expect(error).toBeInstanceOf(BusPublishError);
      expect((error as Error).message).toMatch(/no responders/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      inbox.close();
    }
  });

  it('times out the acks that never come, and fails those still awaited when closed', async () => {
    // A plain subscriber answers nothing: the publish has a responder, but no ack ever comes.
    const silent = nc.subscribe('silent.>');
    const inbox = openAckInbox(nc, 200);
    try {
      const error = await outcomeOf(inbox, 'silent.x', headers());
      expect(error).toBeInstanceOf(BusPublishError);
      expect((error as Error).message).toMatch(/No ack from JetStream within 200 ms/);
    } finally {
      inbox.close();
    }
    const closing = openAckInbox(nc, 60_000);
    const pending = outcomeOf(closing, 'silent.y', headers());
    closing.close();
    expect(await pending).toBeInstanceOf(BusPublishError);
    silent.unsubscribe();
  });
});
