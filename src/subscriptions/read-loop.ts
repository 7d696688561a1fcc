import type { Cursor, LogPage, ReadPageOptions } from '../store/index.js';
import { ensureCheckpoint, type Progress } from './postgres/checkpoints.js';
import { blockedStreams } from './postgres/parking.js';
import { createScanSaver } from './scan-saver.js';
import type { WorkerContext } from './worker-context.js';

/** A worker's read loop: while it holds the lease, reads pages and hands them on. */
export interface ReadLoopParts {
  /** Handles a page read from `from`; returns the progress after it. */
  processPage(page: LogPage, from: Progress): Promise<Progress>;
  /** Carries out operators' pending retry and skip requests; says whether it is paused. */
  settleRequests(): Promise<{ paused: boolean }>;
}

/**
 * After a wake that brought nothing readable (an older transaction was still open), the worker
 * looks again soon, backing off to the poll interval: the next wait, 0 meaning the interval.
 */
export function nextRecheckMs(previous: number, woken: boolean, pollIntervalMs: number): number {
  if (woken) return 5;
  if (previous === 0) return 0;
  return previous * 2 >= pollIntervalMs ? 0 : previous * 2;
}

/**
 * Reads pages for one subscriber, and can start reading the next one early: while a full page
 * is handled (catching up), the one after it comes from the database, so reading and handling
 * overlap instead of taking turns. A page read early is used only if the loop asks for exactly
 * where it began.
 */
function pageReader(store: WorkerContext['store'], options: ReadPageOptions) {
  let ahead: { readonly from: Cursor; readonly page: Promise<LogPage> } | undefined;
  return {
    read(from: Cursor): Promise<LogPage> {
      const early = ahead;
      ahead = undefined;
      return early?.from === from ? early.page : store.readPage(from, options);
    },
    readAhead(from: Cursor): void {
      const page = store.readPage(from, options);
      // Unused when the loop stops or goes elsewhere: its failure is nobody's to hear.
      page.catch(() => undefined);
      ahead = { from, page };
    },
  };
}

/** The read loop of the worker of `context`: reads and handles events until told to stop. */
export function createReadLoop(context: WorkerContext, parts: ReadLoopParts) {
  const { store, definition, status, signal, blocked, pollIntervalMs } = context;
  const { name, filter = {}, batchSize = 500, asStored = false, lingerMs = 0 } = definition;
  const saveScanned = createScanSaver(context);

  /** Picks up the subscriber's progress and blocked streams as stored. */
  async function resume(): Promise<Progress> {
    const progress = await ensureCheckpoint(
      store.driver,
      name,
      definition.startFrom ?? 'beginning',
    );
    status.scanned = progress.scanned;
    blocked.clear();
    for (const streamId of await blockedStreams(store.driver, name)) blocked.add(streamId);
    return progress;
  }

  /** Reads and handles events until stopped or the lease is lost. */
  async function readWhileLeased(leaseLost: () => boolean): Promise<void> {
    let progress = await resume();
    let saved = progress;
    let recheckMs = 0;
    // When the events of a short page were first read: it waits up to `lingerMs` from then.
    let lingeringSince: number | undefined;
    const pages = pageReader(store, { ...filter, limit: batchSize, asStored });
    let paused = false;
    while (!context.stopping && !leaseLost()) {
      const requests = await parts.settleRequests();
      if (requests.paused) {
        paused = true;
        status.state = 'paused';
        await signal.sleep(pollIntervalMs);
        continue;
      }
      if (paused) {
        // An operator may have moved the checkpoint while it was paused: start from it.
        paused = false;
        progress = await resume();
        saved = progress;
      }
      const page = await pages.read(progress.scanned);
      if (page.entries.length === 0) {
        progress = { handled: progress.handled, scanned: page.end };
        status.scanned = page.end;
        saved = await saveScanned(saved, progress);
        if (status.state !== 'failing') status.state = 'live';
        const woken = await signal.sleep(recheckMs > 0 ? recheckMs : pollIntervalMs);
        recheckMs = nextRecheckMs(recheckMs, woken, pollIntervalMs);
        continue;
      }
      recheckMs = 0;
      if (lingerMs > 0 && page.entries.length < batchSize) {
        lingeringSince ??= Date.now();
        const until = lingeringSince + lingerMs;
        if (until > Date.now()) {
          // Commits do not cut it short: re-reading a growing page on each would cost more
          // than the wait saves. Stopping and a lost lease do.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by stop()
          while (Date.now() < until && !context.stopping && !leaseLost()) {
            await signal.sleep(until - Date.now());
          }
          continue;
        }
      }
      lingeringSince = undefined;
      // A full page: more is waiting, so the next page is read while this one is handled.
      if (page.entries.length === batchSize) pages.readAhead(page.end);
      progress = await parts.processPage(page, progress);
      saved = progress;
      status.scanned = progress.scanned;
      status.state = page.entries.length === batchSize ? 'catching-up' : 'live';
    }
  }

  return { readWhileLeased };
}
