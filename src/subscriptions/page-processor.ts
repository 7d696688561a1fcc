import type { LogPage } from '../store/index.js';
import { planAfterFailures, planBatch } from './batch-plan.js';
import { createCommitStep } from './commit-step.js';
import { EventsFailedError } from './errors.js';
import type { Progress } from './postgres/checkpoints.js';
import { createSingleEventProcessor, isWorkerFailure, later } from './single-event.js';
import type { WorkerContext } from './worker-context.js';

/**
 * Handles what a worker read: a page in one step, one event at a time to find a poison event
 * when the page fails, and events that cannot be decoded straight to the poison policy
 * (retrying cannot decode them: only new code or an operator can).
 */
export function createPageProcessor(context: WorkerContext) {
  const { definition, blocked, retry } = context;
  const commitStep = createCommitStep(context);
  const { processOne } = createSingleEventProcessor(context, commitStep);
  // A handler may say which events of a batch failed, when parking them at once is all a
  // failure leads to: nothing to retry, nothing rolled back.
  const partialFailuresAllowed =
    definition.transactional !== true &&
    definition.onPoisonEvent !== 'stop' &&
    retry.maxAttempts <= 1;

  /**
   * Handles a page from `from` and returns the progress after it. Under the `stop` policy the
   * events before an undecodable one are handled first, and the next page stops on it.
   */
  async function processPage(page: LogPage, from: Progress): Promise<Progress> {
    const { entries } = page;
    const firstProblem =
      definition.onPoisonEvent === 'stop'
        ? entries.findIndex(
            ({ event, problem }) => problem !== undefined && !blocked.has(event.streamId),
          )
        : -1;
    const [first] = entries;
    if (firstProblem === 0 && first !== undefined) return processOne(first, from);
    const batch = firstProblem > 0 ? entries.slice(0, firstProblem) : entries;
    const last = batch.at(-1)?.event.cursor;
    if (last === undefined)
      return { handled: from.handled, scanned: later(from.scanned, page.end) };
    const to = {
      handled: last,
      scanned: later(from.scanned, firstProblem > 0 ? last : page.end),
    };
    const { handle, park, newlyBlocked } = planBatch(batch, blocked, (problem) => {
      context.report(problem);
    });
    try {
      await commitStep(from.handled, to, handle, park);
      for (const streamId of newlyBlocked) blocked.add(streamId);
      return to;
    } catch (error) {
      if (isWorkerFailure(error)) throw error;
      context.report(error);
      if (error instanceof EventsFailedError && partialFailuresAllowed) {
        const after = planAfterFailures(handle, error.failures);
        await commitStep(from.handled, to, [], [...park, ...after.park]);
        for (const streamId of [...newlyBlocked, ...after.newlyBlocked]) blocked.add(streamId);
        return to;
      }
    }
    // The page failed: find the event that fails, handling the others one at a time.
    let position = from;
    for (const entry of batch) position = await processOne(entry, position);
    return { handled: position.handled, scanned: later(position.scanned, to.scanned) };
  }

  return { processPage };
}
