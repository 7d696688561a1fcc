import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';

import type { MessageRegistry } from '../messages/index.js';
import type { SqlDriver, SqlExecutor } from '../store/index.js';
import { settleParked, unpark } from '../subscriptions/index.js';
import { decodeBusMessage, type BusMessage, type RawBusMessage } from './consumer-decode.js';
import { enterInbox } from './consumer-inbox.js';
import { parkBusMessage, type ParkedBusRequest } from './consumer-parking.js';
import { redeliveryDelayMs } from './consumer-setup.js';

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

/**
 * Handles one delivery: decodes it (an undecodable message is parked and terminated, since no
 * redelivery can help), applies it once through the inbox, then acks; a failing handler naks
 * with the backoff's delay, never a bare nak, and its error is kept for the max-deliveries
 * advisory to park the message with.
 */
export async function handleDelivery(
  context: HandlingContext,
  msg: JsMsg,
  lastErrors: Map<number, string>,
): Promise<void> {
  const raw = rawOf(msg);
  const { deliveryCount } = msg.info;
  let message: BusMessage;
  try {
    message = decodeBusMessage(raw, context.registry);
  } catch (error) {
    context.report(error);
    await parkBusMessage(context.driver, context.subscriber, raw, {
      error: describe(error),
      attempts: deliveryCount,
    });
    msg.term();
    return;
  }
  try {
    await context.driver.transaction(async (sql) => {
      if (!(await enterInbox(sql, context.subscriber, message))) return;
      await context.handle(message, {
        sql,
        deliveryCount,
        working: () => {
          msg.working();
        },
      });
    });
    lastErrors.delete(msg.seq);
    msg.ack();
  } catch (error) {
    context.report(error);
    lastErrors.set(msg.seq, describe(error));
    msg.nak(redeliveryDelayMs(context.backoffMs, deliveryCount));
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
