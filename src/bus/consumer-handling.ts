import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { SpanKind } from '@opentelemetry/api';

import type { MessageRegistry } from '../messages/index.js';
import { contextOf, inSpan } from '../observability/index.js';
import type { SqlDriver, SqlExecutor } from '../store/index.js';
import { settleParked, unpark } from '../subscriptions/index.js';
import { decodeBusMessage, type BusMessage, type RawBusMessage } from './consumer-decode.js';
import { enterInbox } from './consumer-inbox.js';
import { parkBusMessage, type ParkedBusRequest } from './consumer-parking.js';
import { redeliveryDelayMs } from './consumer-setup.js';
import { BUS_HEADERS } from './headers.js';

/** What a handler gets beside the message. */
export interface BusHandlerContext {
  /** The transaction that records the message in the inbox: write the handler's effects here. */
  readonly sql: SqlExecutor;
  /** Tells the server the handler is still at work, so the message is not redelivered yet. */
  readonly working: () => void;
  /** Which delivery this is (1 for the first); 0 when an operator retries it from the parked list. */
  readonly deliveryCount: number;
}

/** A consumer's handler of its typed messages. */
export type BusHandler = (message: BusMessage, context: BusHandlerContext) => Promise<void>;

/** What handling needs, shared by the deliveries and the operators' retries. */
export interface HandlingContext {
  readonly driver: SqlDriver;
  readonly registry: MessageRegistry;
  /** The name parked messages and inbox rows are recorded under (`bus:<durable>`). */
  readonly subscriber: string;
  readonly backoffMs: readonly number[];
  readonly handle: BusHandler;
  readonly report: (error: unknown) => void;
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const rawOf = (msg: JsMsg): RawBusMessage => ({
  subject: msg.subject,
  streamSequence: msg.seq,
  headers: msg.headers,
  data: msg.data,
});

/** Decodes a delivery; one that cannot be decoded is parked and terminated (no redelivery helps). */
async function decodeOrPark(context: HandlingContext, msg: JsMsg): Promise<BusMessage | undefined> {
  const raw = rawOf(msg);
  try {
    return decodeBusMessage(raw, context.registry);
  } catch (error) {
    context.report(error);
    await parkBusMessage(context.driver, context.subscriber, raw, {
      error: describe(error),
      attempts: msg.info.deliveryCount,
    });
    msg.term();
    return undefined;
  }
}

interface Delivery {
  readonly msg: JsMsg;
  readonly message: BusMessage;
}

/** Applies `delivery` inside `sql` unless the inbox has it already. */
async function applyOnce(
  context: HandlingContext,
  sql: SqlExecutor,
  { msg, message }: Delivery,
  working: () => void,
): Promise<void> {
  if (!(await enterInbox(sql, context.subscriber, message))) return;
  // The publisher's trace continues here, from the event's trace context in the headers.
  const parent = contextOf({ traceparent: msg.headers?.get(BUS_HEADERS.traceparent) });
  await inSpan(
    `strata.bus.consume ${message.type}`,
    {
      kind: SpanKind.CONSUMER,
      parent,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': message.subject,
        'messaging.message.id': message.id,
        'strata.subscriber': context.subscriber,
      },
    },
    () => context.handle(message, { sql, deliveryCount: msg.info.deliveryCount, working }),
  );
}

/**
 * Applies one delivery in a transaction of its own, then acks; a failing handler naks with
 * the backoff's delay, never a bare nak, and its error is kept for the max-deliveries advisory
 * to park the message with.
 */
async function applyAlone(
  context: HandlingContext,
  delivery: Delivery,
  lastErrors: Map<number, string>,
): Promise<void> {
  const { msg } = delivery;
  try {
    await context.driver.transaction((sql) =>
      applyOnce(context, sql, delivery, () => {
        msg.working();
      }),
    );
    lastErrors.delete(msg.seq);
    msg.ack();
  } catch (error) {
    context.report(error);
    lastErrors.set(msg.seq, describe(error));
    msg.nak(redeliveryDelayMs(context.backoffMs, msg.info.deliveryCount));
  }
}

/**
 * Handles the deliveries that arrived together, in order: decodes each (an undecodable one is
 * parked), applies them once through the inbox in one transaction — one commit for the lot, so
 * a burst does not queue behind a commit per message — then acks them. If any handler fails
 * (or the commit does), that transaction is rolled back and each is applied again in one of its
 * own, so the others go through and only the failing one is naked.
 */
export async function handleDeliveries(
  context: HandlingContext,
  msgs: readonly JsMsg[],
  lastErrors: Map<number, string>,
): Promise<void> {
  const deliveries: Delivery[] = [];
  for (const msg of msgs) {
    const message = await decodeOrPark(context, msg);
    if (message !== undefined) deliveries.push({ msg, message });
  }
  const [only] = deliveries;
  if (only === undefined) return;
  if (deliveries.length === 1) {
    await applyAlone(context, only, lastErrors);
    return;
  }
  // A long handler keeps every message of the batch from being redelivered meanwhile.
  const working = () => {
    for (const { msg } of deliveries) msg.working();
  };
  try {
    await context.driver.transaction(async (sql) => {
      for (const delivery of deliveries) await applyOnce(context, sql, delivery, working);
    });
  } catch {
    for (const delivery of deliveries) await applyAlone(context, delivery, lastErrors);
    return;
  }
  for (const { msg } of deliveries) {
    lastErrors.delete(msg.seq);
    msg.ack();
  }
}

/**
 * Carries out an operator's request on a parked message: a skip settles it; a retry reads it
 * back from the stream by sequence and applies it (inbox, handler and unparking in one
 * transaction), or records that it failed again.
 */
export async function settleParkedRequest(
  context: HandlingContext,
  jsm: JetStreamManager,
  stream: string,
  request: ParkedBusRequest,
): Promise<void> {
  const { driver, subscriber } = context;
  const seq = request.streamSequence;
  if (request.action === 'skip') {
    await settleParked(driver, subscriber, seq, { status: 'skipped' });
    return;
  }
  try {
    const stored = await jsm.streams.getMessage(stream, { seq });
    if (stored === null) throw new Error(`message ${seq} is no longer in stream ${stream}`);
    const message = decodeBusMessage(
      { subject: stored.subject, streamSequence: seq, headers: stored.header, data: stored.data },
      context.registry,
    );
    await driver.transaction(async (sql) => {
      await unpark(sql, subscriber, seq);
      // Applied already (the inbox has it): unparking is all there is to do.
      if (!(await enterInbox(sql, subscriber, message))) return;
      await context.handle(message, { sql, deliveryCount: 0, working: () => undefined });
    });
  } catch (error) {
    context.report(error);
    await settleParked(driver, subscriber, seq, {
      status: 'failed',
      error: describe(error),
      attempts: 1,
    });
  }
}
