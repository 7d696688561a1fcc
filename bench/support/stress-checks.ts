import type { Cursor, StoredEvent } from '../../src/store/index.js';
import type { AckedEvent } from './stress-writers.js';

/** One event as a subscriber's handler received it. */
export interface Delivery {
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly cursor: Cursor;
}

export const toDelivery = (event: StoredEvent): Delivery => ({
  id: event.id,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  globalPosition: event.globalPosition,
  cursor: event.cursor,
});

/** How a subscriber's deliveries compare with the acknowledged appends. */
export interface DeliveryCheck {
  readonly delivered: number;
  /** Acknowledged events it had to deliver. */
  readonly required: number;
  /** Required events it never delivered. */
  readonly missing: number;
  /** Delivered events no acknowledged append wrote (rolled back, refused, or unknown). */
  readonly extra: number;
  /** Deliveries of an event already delivered. */
  readonly duplicates: number;
  /** Deliveries whose stream, version, position or cursor differ from what the append said. */
  readonly mismatched: number;
  /** Deliveries whose version is not above the last one delivered for their stream. */
  readonly outOfStreamOrder: number;
  /** Deliveries whose cursor is not above the previous delivery's (the log's read order). */
  readonly outOfLogOrder: number;
}

/** Compares `deliveries` (in delivery order) with the acknowledged events it had to see. */
export function checkDeliveries(
  deliveries: readonly Delivery[],
  acked: ReadonlyMap<string, AckedEvent>,
  required: (event: AckedEvent) => boolean,
): DeliveryCheck {
  const seen = new Set<string>();
  const lastVersion = new Map<string, number>();
  let extra = 0;
  let duplicates = 0;
  let mismatched = 0;
  let outOfStreamOrder = 0;
  let outOfLogOrder = 0;
  let previous: Cursor | undefined;
  for (const delivery of deliveries) {
    if (seen.has(delivery.id)) duplicates++;
    seen.add(delivery.id);
    const ack = acked.get(delivery.id);
    if (ack === undefined) extra++;
    else if (
      ack.streamId !== delivery.streamId ||
      ack.streamVersion !== delivery.streamVersion ||
      ack.globalPosition !== delivery.globalPosition ||
      ack.cursor !== delivery.cursor
    )
      mismatched++;
    if (delivery.streamVersion <= (lastVersion.get(delivery.streamId) ?? 0)) outOfStreamOrder++;
    lastVersion.set(delivery.streamId, delivery.streamVersion);
    if (previous !== undefined && delivery.cursor <= previous) outOfLogOrder++;
    previous = delivery.cursor;
  }
  let requiredCount = 0;
  let missing = 0;
  for (const event of acked.values()) {
    if (!required(event)) continue;
    requiredCount++;
    if (!seen.has(event.id)) missing++;
  }
  return {
    delivered: deliveries.length,
    required: requiredCount,
    missing,
    extra,
    duplicates,
    mismatched,
    outOfStreamOrder,
    outOfLogOrder,
  };
}

/** True when the subscriber saw what it had to, once each, in order, and nothing else. */
export function deliveriesPass(check: DeliveryCheck): boolean {
  return (
    check.missing === 0 &&
    check.extra === 0 &&
    check.duplicates === 0 &&
    check.mismatched === 0 &&
    check.outOfStreamOrder === 0 &&
    check.outOfLogOrder === 0
  );
}

/**
 * Streams whose acknowledged versions are not exactly 1..n: two acks of one version would be a
 * lost write. (A rolled-back or refused append takes no version, so there are no gaps either.)
 */
export function inconsistentStreams(acked: Iterable<AckedEvent>): string[] {
  const versions = new Map<string, number[]>();
  for (const event of acked) {
    const list = versions.get(event.streamId) ?? [];
    list.push(event.streamVersion);
    versions.set(event.streamId, list);
  }
  return [...versions]
    .filter(([, list]) =>
      list.sort((a, b) => a - b).some((version, index) => version !== index + 1),
    )
    .map(([streamId]) => streamId);
}

/** Compares the ids the log holds with the acknowledged ones: missing from it, and extra in it. */
export function compareLog(
  logIds: readonly string[],
  acked: ReadonlyMap<string, AckedEvent>,
): { missing: number; extra: number } {
  const inLog = new Set(logIds);
  let missing = 0;
  for (const id of acked.keys()) if (!inLog.has(id)) missing++;
  return { missing, extra: logIds.filter((id) => !acked.has(id)).length };
}

/**
 * Which transactions a PostgreSQL snapshot (`pg_current_snapshot()::text`, "xmin:xmax:xip,…")
 * does not see: those still open when it was taken, or begun after. They committed after it.
 */
export function invisibleIn(snapshot: string): (transactionId: number) => boolean {
  const [, xmax, xip = ''] = snapshot.split(':');
  const open = new Set(xip === '' ? [] : xip.split(',').map(Number));
  const horizon = Number(xmax);
  return (transactionId) => transactionId >= horizon || open.has(transactionId);
}
