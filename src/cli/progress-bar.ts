import { SingleBar } from 'cli-progress';

import type { Rebuild, RebuildProgress } from '../projections/index.js';

/** How often the bar is redrawn on a terminal, and a line written when output is not one. */
const TTY_REFRESH_MS = 250;
const NOT_TTY_REFRESH_MS = 2_000;

/** The numbers the bar's format shows beside its own percentage and counts. */
const payloadOf = (progress: RebuildProgress) => ({
  rate: Math.round(progress.eventsPerSecond),
  etaText: progress.etaSeconds === undefined ? '' : `, ETA ${Math.ceil(progress.etaSeconds)} s`,
});

/**
 * Shows `rebuild`'s progress on `stream` until it is done, then ends at 100%. On a terminal
 * the bar redraws in place; otherwise (a pipe, a log file) it writes a plain line now and then,
 * with no carriage returns or escape codes.
 */
export async function showRebuildProgress(
  rebuild: Rebuild,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  const bar = new SingleBar({
    stream,
    format: '[{bar}] {percentage}% {value}/{total} events, {rate}/s{etaText}',
    barCompleteChar: '#',
    barIncompleteChar: '-',
    barsize: 30,
    hideCursor: false,
    noTTYOutput: true,
    // Off a terminal the last line stays as written; a terminal keeps the finished bar too.
    clearOnComplete: !stream.isTTY,
    notTTYSchedule: NOT_TTY_REFRESH_MS,
    fps: 1000 / TTY_REFRESH_MS,
  });
  const first = await rebuild.progress();
  bar.start(first.eventsDone + first.eventsRemaining, first.eventsDone, payloadOf(first));
  const state = { finished: false };
  const finished = rebuild.done.finally(() => (state.finished = true));
  try {
    while (!state.finished) {
      await Promise.race([finished, new Promise((wait) => setTimeout(wait, TTY_REFRESH_MS))]);
      const progress = await rebuild.progress();
      bar.setTotal(progress.eventsDone + progress.eventsRemaining);
      bar.update(progress.eventsDone, payloadOf(progress));
    }
    await rebuild.done;
    // Done means every event is in: the last line says 100%, whatever the last sample said.
    const last = await rebuild.progress();
    const total = Math.max(last.eventsDone, bar.getTotal());
    bar.setTotal(total);
    bar.update(total, { ...payloadOf(last), etaText: '' });
  } finally {
    bar.stop();
  }
}
