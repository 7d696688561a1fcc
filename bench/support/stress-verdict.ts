import type { Delivery, DeliveryCheck } from './stress-checks.js';
import type { AckedEvent, WriterReport } from './stress-writers.js';

/** Everything the verdict reports. */
export interface StressOutcome {
  readonly pass: boolean;
  readonly writers: number;
  /** Acknowledged events, the writers' and the bench's own. */
  readonly ackedEvents: number;
  readonly report: WriterReport;
  readonly main: DeliveryCheck;
  readonly late: DeliveryCheck;
  /** The log's event ids against the acknowledged ones. */
  readonly log: { readonly missing: number; readonly extra: number };
  /** Seconds the main subscriber took to catch up after the writers; undefined: it never did. */
  readonly caughtUpSeconds: number | undefined;
  readonly lateCaughtUp: boolean;
}

const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;

const orderText = (check: DeliveryCheck) =>
  `per-stream order ${check.outOfStreamOrder === 0 ? 'ok' : `BROKEN ${check.outOfStreamOrder}×`}, ` +
  `log order ${check.outOfLogOrder === 0 ? 'ok' : `BROKEN ${check.outOfLogOrder}×`}`;

/** The one-line verdict: `stress: PASS|FAIL …`. */
export function verdictLine(outcome: StressOutcome): string {
  const { report, main, late, log, caughtUpSeconds } = outcome;
  const { appends } = report;
  return (
    `stress: ${outcome.pass ? 'PASS' : 'FAIL'} ${outcome.ackedEvents} acked, ` +
    `${main.delivered} delivered, ${main.missing} missing, ${main.extra} extra, ` +
    `${main.duplicates} duplicates, ${main.mismatched} mismatched, ${orderText(main)}; ` +
    `log: ${log.missing} missing, ${log.extra} extra; ` +
    `late subscriber (startFrom 'end', transactional): ${late.missing} missing of ` +
    `${late.required} committed after its start, ${late.extra} extra, ` +
    `${late.duplicates} duplicates, ${orderText(late)}` +
    `${outcome.lateCaughtUp ? '' : ', NOT caught up'} ` +
    `(${outcome.writers} writers, ${appends} appends: ${report.appendsAcked} acked, ` +
    `${percent(report.rolledBack, appends)} rolled back, ` +
    `${percent(report.conflicts, appends)} stale pinned versions, ` +
    `${percent(report.unpinnedConflicts, appends)} unpinned gave up, ` +
    `${report.failures.length} failed; ${report.seconds.toFixed(1)} s, ` +
    `${Math.round(report.appendsAcked / report.seconds)} appends/s; ` +
    (caughtUpSeconds === undefined
      ? 'subscriber NOT caught up)'
      : `caught up ${caughtUpSeconds.toFixed(1)} s after the last ack)`)
  );
}

/** The required events `deliveries` lack. */
export function missedEvents(
  deliveries: readonly Delivery[],
  acked: ReadonlyMap<string, AckedEvent>,
  required: (event: AckedEvent) => boolean,
): AckedEvent[] {
  const delivered = new Set(deliveries.map((delivery) => delivery.id));
  return [...acked.values()].filter((event) => required(event) && !delivered.has(event.id));
}

/** Details worth reading when the verdict is FAIL: which events, and what else went wrong. */
export function printFailureDetails(
  subscribers: readonly { name: string; missing: readonly AckedEvent[] }[],
  report: WriterReport,
  inconsistentStreams: readonly string[],
  subscriberErrors: readonly string[],
): void {
  for (const { name, missing } of subscribers) {
    for (const event of missing.slice(0, 10)) {
      console.log(
        `  ${name} missed ${event.streamId} v${event.streamVersion}: position ` +
          `${event.globalPosition}, transaction ${event.transactionId}`,
      );
    }
  }
  for (const failure of report.failures.slice(0, 10)) console.log(`  append failed: ${failure}`);
  if (inconsistentStreams.length > 0) {
    console.log(`  streams whose acked versions are not 1..n: ${inconsistentStreams.join(', ')}`);
  }
  for (const error of subscriberErrors.slice(0, 10)) console.log(`  subscriber error: ${error}`);
}
