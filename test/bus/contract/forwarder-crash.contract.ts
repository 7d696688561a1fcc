import { describe, expect, it } from 'vitest';

import { readUntil } from '../../support/async.js';
import { streamCount, type StreamMessage } from '../../support/bus-stream.js';
import { useTestDatabase, type DriverKind } from '../../support/test-database.js';
import { appendMany, expectStreamIsTheLog } from './forwarder.contract.js';
import { useForwarders } from './forwarder-fixture.js';

/** Events in the log when the server is killed: enough that the relay takes a few seconds. */
const LOG_SIZE = 50_000;

/** Each Strata stream's events are in the stream as versions 1, 2, 3…: none missing or swapped. */
function expectStrataStreamsInOrder(messages: readonly StreamMessage[]): void {
  const versions = new Map<string, number[]>();
  for (const { headers } of messages) {
    const stream = headers['Strata-Stream']!;
    const seen = versions.get(stream) ?? [];
    seen.push(Number(headers['Strata-Stream-Version']));
    versions.set(stream, seen);
  }
  for (const [stream, seen] of versions) {
    expect(seen, stream).toEqual(seen.map((_, index) => index + 1));
  }
}

/**
 * The bus's acceptance test: `kill -9` of nats-server halfway through relaying a large log, then
 * a restart on the same store. On a database of its own (`kind`): every forwarder of a suite
 * relays the whole log into its new stream, which 50,000 events would make slow.
 */
export function forwarderCrashContract(kind: DriverKind): void {
  describe('bus forwarder through a crash of nats-server', () => {
    const db = useTestDatabase(kind);
    const { nats, startForwarder } = useForwarders(() => db().store);

    it(`loses and repeats nothing when nats-server is killed -9 mid-relay of ${LOG_SIZE.toLocaleString('en-US')} events and restarted`, async () => {
      const end = await appendMany(db(), LOG_SIZE, 2_500);
      const forwarder = await startForwarder();
      const atKill = await readUntil(
        () => streamCount(nats().url, forwarder.stream),
        (count) => count >= LOG_SIZE / 5,
        20_000,
      );
      await nats().kill();
      await new Promise((settle) => setTimeout(settle, 300));
      await nats().restart();
      // Nothing is published while the server is down: on restart the stream holds what it kept
      // of the relay, plus at most what the forwarder sent in the moment since.
      const atRestart = await streamCount(nats().url, forwarder.stream);
      expect(await forwarder.caughtUp(end, 60_000)).toBe(true);
      const { log, messages } = await expectStreamIsTheLog(db(), nats().url, forwarder.stream);
      expect(log).toHaveLength(LOG_SIZE);
      expect(await streamCount(nats().url, forwarder.stream)).toBe(LOG_SIZE);
      expectStrataStreamsInOrder(messages);
      // Killed mid-relay: it had begun, and most of the log was still to go after the restart.
      expect(atKill).toBeGreaterThan(0);
      expect(atRestart).toBeLessThan(LOG_SIZE / 2);
    }, 90_000);
  });
}
