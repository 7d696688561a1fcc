import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { Type } from 'typebox';

import { appSubjects, subjectOf, type SubjectSpace } from '../../src/bus/index.js';
import { defineEvent, upcaster } from '../../src/messages/index.js';

/** The app whose subjects the bus tests publish on. */
export const BUS_SPACE: SubjectSpace = { app: 'shop' };

/** Version 1 of `shop.OrderPlaced`: a total in whole units. */
const OrderPlacedV1 = Type.Object({ orderId: Type.String(), total: Type.Integer() });

/** Version 2: the total in cents, with a currency. */
export const OrderPlaced = defineEvent({
  name: 'shop.OrderPlaced',
  version: 2,
  schema: Type.Object({
    orderId: Type.String(),
    totalCents: Type.Integer({ minimum: 0 }),
    currency: Type.String(),
  }),
  upcasters: [
    upcaster(1, OrderPlacedV1, (data) => ({
      orderId: data.orderId,
      totalCents: data.total * 100,
      currency: 'EUR',
    })),
  ],
});

/** A second type, so a consumer of two types runs one durable consumer per subject. */
export const OrderCancelled = defineEvent({
  name: 'shop.OrderCancelled',
  schema: Type.Object({ orderId: Type.String() }),
});

/** Creates the app's stream on `connection`'s server (what the forwarder does in production). */
export async function createBusStream(connection: NatsConnection, name: string): Promise<void> {
  const jsm = await jetstreamManager(connection);
  await jsm.streams.add({ name, subjects: [appSubjects(BUS_SPACE)], storage: StorageType.File });
}

/** A message as the forwarder publishes it. */
export interface ForwardedEvent {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly streamId?: string;
  readonly streamVersion?: number;
}

/** Publishes `event` the way the forwarder does: data as JSON, attributes in headers. */
export async function publishForwarded(
  connection: NatsConnection,
  event: ForwardedEvent,
): Promise<number> {
  const h = headers();
  h.set('Nats-Msg-Id', event.id);
  h.set('ce-type', event.type);
  h.set('Strata-Schema-Version', String(event.version));
  h.set('Strata-Stream', event.streamId ?? `order-${event.id}`);
  h.set('Strata-Stream-Version', String(event.streamVersion ?? 1));
  h.set('Strata-Position', '1');
  const ack = await jetstream(connection).publish(
    subjectOf(BUS_SPACE, event.type, event.version),
    JSON.stringify(event.data),
    { headers: h },
  );
  return ack.seq;
}
