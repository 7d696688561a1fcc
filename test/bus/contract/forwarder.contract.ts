import { describe, expect, it } from 'vitest';

import { CURSOR_HEADER, subjectOf } from '../../../src/bus/index.js';
import type { StoredEvent } from '../../../src/store/index.js';
import { collect } from '../../support/async.js';
import { streamMessages } from '../../support/bus-stream.js';
import { untilReadable, type TestDatabase } from '../../support/test-database.js';
import { ThingHappened, ThingRenamed } from '../../support/test-messages.js';
import { useForwarders } from './forwarder-fixture.js';

const happened = (n: number, note?: string) => ({
  type: ThingHappened.name,
  data: note === undefined ? { n } : { n, note },
});

/** Appends `count` events over a few streams, `perAppend` at a time; returns the last cursor. */
export async function appendMany(db: TestDatabase, count: number, perAppend = 100) {
  const category = `bus${crypto.randomUUID().slice(0, 8)}`;
  let last;
  for (let from = 0; from < count; from += perAppend) {
    const events = Array.from({ length: Math.min(perAppend, count - from) }, (_, i) =>
      happened(from + i),
    );
    last = await db.store.appendToStream(`${category}-${from % 7}`, events);
  }
  if (last?.cursor === undefined) throw new Error('nothing appended');
  // Readers (the forwarder, readAll) see them only once no older transaction of the cluster is open.
  await untilReadable(db);
  return last.cursor;
}

/** Every message's event id once, in the log's order: the stream is the log. */
export async function expectStreamIsTheLog(db: TestDatabase, url: string, stream: string) {
  const log = await collect(db.store.readAll());
  const messages = await streamMessages(url, stream);
  const ids = messages.map((message) => message.headers['Nats-Msg-Id']);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(log.map((event) => event.id));
  return { log, messages };
}

export function forwarderContract(db: () => TestDatabase): void {
  describe('bus forwarder', () => {
    const { nats, startForwarder } = useForwarders(() => db().store);

    it('publishes every committed event once, in log order, on its subject, with its headers', async () => {
      const { store } = db();
      await store.appendToStream('thing-1', [happened(1), happened(2, 'two')]);
      await store.appendToStream('thing-2', [
        { type: ThingRenamed.name, data: { name: 'renamed' } },
      ]);
      await store.appendToStream('thing-1', [
        {
          ...happened(3),
          metadata: {
            correlationId: 'corr-1',
            causationId: 'cause-1',
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          },
        },
      ]);
      const forwarder = await startForwarder({ app: `devpie${crypto.randomUUID().slice(0, 6)}` });
      await untilReadable(db());
      const end = (await collect(store.readAll())).at(-1)!;
      expect(await forwarder.caughtUp(end.cursor)).toBe(true);
      const { log, messages } = await expectStreamIsTheLog(db(), nats().url, forwarder.stream);
      const app = forwarder.forwarder.stream.subjects.split('.')[1]!;
      messages.forEach((message, index) => {
        const event: StoredEvent = log[index]!;
        expect(message.subject).toBe(subjectOf({ app }, event.type, event.schemaVersion));
        expect(message.data).toEqual(event.data);
        expect(message.headers).toMatchObject({
          'Nats-Msg-Id': event.id,
          'ce-id': event.id,
          'ce-type': event.type,
          'ce-source': `strata/${app}`,
          'ce-specversion': '1.0',
          'ce-time': event.recordedAt.toISOString(),
          'content-type': 'application/json',
          'Strata-Stream': event.streamId,
          'Strata-Stream-Version': String(event.streamVersion),
          'Strata-Position': String(event.globalPosition),
          [CURSOR_HEADER]: event.cursor,
          'Strata-Schema-Version': String(event.schemaVersion),
        });
      });
      expect(messages.at(-1)!.headers).toMatchObject({
        'Strata-Correlation-Id': 'corr-1',
        'Strata-Causation-Id': 'cause-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(messages.at(-1)!.subject).toMatch(/\.test\.ThingHappened\.v1$/);
    });

    it('resumes from the stream tail after an outage longer than the duplicate window: no duplicates', async () => {
      const app = `outage${crypto.randomUUID().slice(0, 6)}`;
      const settings = { app, stream: { duplicateWindowMs: 200 } };
      const first = await startForwarder(settings);
      expect(await first.caughtUp(await appendMany(db(), 50, 10))).toBe(true);
      await first.stop();
      await appendMany(db(), 30, 10);
      await new Promise((settle) => setTimeout(settle, 600));
      // A new checkpoint (another subscriber name) starts at the log's beginning: only the
      // stream's own tail keeps it from publishing everything again.
      const counted = { published: 0, duplicates: 0 };
      const second = await startForwarder({
        ...settings,
        subscriberName: `bus:${app}:again`,
        observer: {
          forwarded(published, duplicates) {
            counted.published += published;
            counted.duplicates += duplicates;
          },
        },
      });
      expect(await second.caughtUp(await appendMany(db(), 20, 10))).toBe(true);
      await expectStreamIsTheLog(db(), nats().url, second.stream);
      // What the metrics count: each event of the log either found in the stream or published.
      expect(counted.duplicates).toBeGreaterThanOrEqual(50);
      expect(counted.published).toBeGreaterThanOrEqual(50);
      expect(counted.published + counted.duplicates).toBe(await db().countEvents());
    });
  });
}
