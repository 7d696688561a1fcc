import { setTimeout as sleep } from 'node:timers/promises';

import { compareCursors, type Cursor } from '../src/store/index.js';
import {
  createSubscriptionEngine,
  type SubscriberDefinition,
  type SubscriptionEngine,
} from '../src/subscriptions/index.js';
import { installChaosTrigger } from './support/stress-chaos.js';
import {
  checkDeliveries,
  compareLog,
  deliveriesPass,
  inconsistentStreams,
  invisibleIn,
  toDelivery,
  type Delivery,
} from './support/stress-checks.js';
import { appendCommitted, openAppend } from './support/stress-open-append.js';
import { missedEvents, printFailureDetails, verdictLine } from './support/stress-verdict.js';
import { runWriters, type AckedEvent } from './support/stress-writers.js';
import { postgresTarget, type BenchTarget } from './support/targets.js';

const CHAOS = { delayFraction: 0.3, maxDelayMs: 5, rollbackFraction: 0.05 };
/** The late subscriber starts when this fraction of the appends is done. */
const LATE_START = 0.3;
/** The main subscriber is stopped and started again when this fraction is done. */
const RESTART_AT = 0.6;
const CATCH_UP_TIMEOUT_MS = 120_000;
const MAIN = 'stress.all';
const LATE = 'stress.late';
const HELD_STREAM = 'held-1';
const NEWER_STREAM = 'held-2';

function envInteger(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a positive integer`);
  return parsed;
}

/** A subscriber that records every event its handler receives, in order. */
function recordingSubscriber(
  name: string,
  options: Pick<SubscriberDefinition, 'transactional' | 'startFrom' | 'batchSize'>,
): { definition: SubscriberDefinition; deliveries: Delivery[] } {
  const deliveries: Delivery[] = [];
  const definition: SubscriberDefinition = {
    name,
    ...options,
    handle: (events) => {
      for (const event of events) deliveries.push(toDelivery(event));
      return Promise.resolve();
    },
  };
  return { definition, deliveries };
}

/** What the late subscriber must deliver, and the event held open across its start. */
interface LateStart {
  readonly required: (event: AckedEvent) => boolean;
  readonly held: AckedEvent[];
}

/**
 * Starts the late subscriber (from the end of the log) while an append is held open in its
 * transaction and newer transactions have committed: the case where a start at "the newest
 * committed event" skips the older transaction's events. Once its checkpoint exists, a
 * snapshot is taken: every transaction it does not see (the held one among them) committed
 * after the subscriber chose where to start, so their events must be delivered.
 */
async function startLate(
  engine: SubscriptionEngine,
  target: BenchTarget,
  definition: SubscriberDefinition,
): Promise<LateStart> {
  const held = await openAppend(target.store, HELD_STREAM);
  // A newer transaction commits while the held one is open: the newest committed event is now
  // past the held one in the log's read order.
  const newer = await appendCommitted(target.store, NEWER_STREAM);
  engine.add(definition);
  while ((await engine.checkpoint(definition.name)) === undefined) await sleep(2);
  const [row] = await target.raw.query<{ snapshot: string }>(
    'SELECT pg_current_snapshot()::text AS snapshot',
  );
  const invisible = invisibleIn(row!.snapshot);
  return {
    required: (event) => invisible(event.transactionId),
    held: [...(await held.commit()), ...newer],
  };
}

/** Waits for `name` to reach `head`; the seconds it took, or undefined on a timeout. */
async function catchUp(
  engine: SubscriptionEngine,
  name: string,
  head: Cursor | undefined,
): Promise<number | undefined> {
  const started = performance.now();
  if (head === undefined) return 0;
  const done = await engine.waitUntilCaughtUp(name, head, CATCH_UP_TIMEOUT_MS);
  return done ? (performance.now() - started) / 1000 : undefined;
}

/**
 * `npm run bench -- stress` (PostgreSQL: DATABASE_URL or the local one). 16 writers make about
 * 20k appends through the real store, with delays and aborts inside their transactions from a
 * test-only trigger; a subscriber records every delivery (stopped and started again mid-run),
 * and a second one starts late from the end of the log while an append is held open. Prints a one-line verdict; the exit code is 1 on FAIL.
 * `STRESS_APPENDS` and `STRESS_WRITERS` scale it down for a smoke run.
 */
export async function stressBenchmark(): Promise<void> {
  const writers = envInteger('STRESS_WRITERS', 16);
  const appends = envInteger('STRESS_APPENDS', 20_000);
  const target = await postgresTarget(writers + 8);
  const subscriberErrors: string[] = [];
  const engine = createSubscriptionEngine({
    store: target.store,
    onError: (error, subscriber) => {
      subscriberErrors.push(
        `${subscriber}: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  });
  try {
    await installChaosTrigger(target.raw, CHAOS);
    const main = recordingSubscriber(MAIN, { batchSize: 100 });
    const late = recordingSubscriber(LATE, { startFrom: 'end', transactional: true });
    engine.add(main.definition);
    engine.start();

    let lateStart: Promise<LateStart> | undefined;
    let restarted: Promise<void> | undefined;
    const report = await runWriters(target.store, {
      writers,
      appends,
      onProgress: (finished) => {
        if (finished >= appends * RESTART_AT && restarted === undefined) {
          // Stopped and started again mid-run, the subscriber resumes from its checkpoint.
          restarted = engine.remove(MAIN).then(() => {
            engine.add(main.definition);
          });
          restarted.catch(() => undefined);
        }
        if (finished < appends * LATE_START || lateStart !== undefined) return;
        lateStart = startLate(engine, target, late.definition);
        // Awaited after the writers finish; until then a failure must not count as unhandled.
        lateStart.catch(() => undefined);
      },
    });
    const { required: requiredByLate, held } = await (lateStart ??
      startLate(engine, target, late.definition));
    await restarted;
    const allAcked = [...report.acked, ...held];

    const head = allAcked
      .map((event) => event.cursor)
      .sort(compareCursors)
      .at(-1);
    const caughtUpSeconds = await catchUp(engine, MAIN, head);
    const lateCaughtUp = await catchUp(engine, LATE, head);
    await engine.stop();

    const acked = new Map(allAcked.map((event) => [event.id, event]));
    const mainCheck = checkDeliveries(main.deliveries, acked, () => true);
    const lateCheck = checkDeliveries(late.deliveries, acked, requiredByLate);
    const logIds = await target.raw.query<{ id: string }>(
      'SELECT event_id::text AS id FROM events',
    );
    const log = compareLog(
      logIds.map((row) => row.id),
      acked,
    );
    const inconsistent = inconsistentStreams(acked.values());
    const pass =
      deliveriesPass(mainCheck) &&
      deliveriesPass(lateCheck) &&
      log.missing + log.extra === 0 &&
      inconsistent.length === 0 &&
      report.failures.length === 0 &&
      caughtUpSeconds !== undefined &&
      lateCaughtUp !== undefined;
    console.log(
      verdictLine({
        pass,
        writers,
        ackedEvents: acked.size,
        report,
        main: mainCheck,
        late: lateCheck,
        log,
        caughtUpSeconds,
        lateCaughtUp: lateCaughtUp !== undefined,
      }),
    );
    if (!pass) {
      printFailureDetails(
        [
          { name: MAIN, missing: missedEvents(main.deliveries, acked, () => true) },
          { name: LATE, missing: missedEvents(late.deliveries, acked, requiredByLate) },
        ],
        report,
        inconsistent,
        subscriberErrors,
      );
      process.exitCode = 1;
    }
  } finally {
    await engine.stop();
    await target.close();
  }
}
