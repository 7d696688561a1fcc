import { startBusConsumer, type AppBusConsumer, type EventDefinition } from 'strata';

/** Options of `busReplica`. */
export interface BusReplicaOptions {
  /** The app whose events are copied: its stream is `STRATA_<FROM>`, its subjects `strata.<from>.…`. */
  readonly from: string;
  /** The durable consumers' name (one per event type). */
  readonly durable: string;
  readonly events: readonly EventDefinition[];
}

/**
 * Copies another service's events from the bus into this service's own log, on the same stream
 * at the same version with the same event id, so this service's projections (the user
 * directory, the project detail) build a read model of them as if they were its own. Appending
 * at the event's version makes a redelivery a no-op, and a message that arrives before the one
 * before it (each event type has its own consumer) waits for it: it is retried later.
 */
export function busReplica({ from, durable, events }: BusReplicaOptions): AppBusConsumer {
  return {
    name: `replica of ${from}`,
    start: ({ connection, driver, inTransaction, onError }) =>
      startBusConsumer({
        connection,
        driver,
        stream: `STRATA_${from.toUpperCase()}`,
        durable,
        space: { app: from },
        events,
        backoffMs: [200, 1_000],
        onError,
        async handle(message, { sql }) {
          const { streamId, streamVersion } = message;
          if (streamId === undefined || streamVersion === undefined) {
            throw new Error(`Message ${message.id} names no stream: it cannot be replicated`);
          }
          const { store } = inTransaction(sql);
          const copied = await store.streamVersion(streamId);
          // Copied before (the inbox has another durable's copy of a replayed stream), or the
          // event before it has not arrived yet: then it is retried after a while.
          if (copied >= streamVersion) return;
          if (copied < streamVersion - 1) {
            throw new Error(`${streamId}@${streamVersion} waits for version ${copied + 1}`);
          }
          const event = { id: message.id, type: message.type, data: message.data };
          await store.appendToStream(streamId, [event], { expectedVersion: streamVersion - 1 });
        },
      }),
  };
}
