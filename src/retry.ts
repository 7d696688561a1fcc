import { setTimeout as sleep } from 'node:timers/promises';

/** How a backoff grows: "full jitter" below an exponentially growing, capped bound. */
export interface Backoff {
  /** Upper bound of the first backoff, doubled each retry; default 5 ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any backoff; default 250 ms. */
  readonly maxDelayMs: number;
}

/** How an operation is retried a fixed number of times: subscribers after a failed batch. */
export interface RetryPolicy extends Backoff {
  /** Attempts in all, the first included; default 5. */
  readonly maxAttempts: number;
}

/**
 * How a command is retried after losing a concurrency race: for as long as its deadline allows,
 * however many attempts that takes, because a lost race is another writer's success, not an
 * error of the caller's.
 */
export interface CommandRetryPolicy extends Backoff {
  /** Time from the first attempt after which a lost race is the caller's error; default 5 s. */
  readonly deadlineMs: number;
}

/** A fixed-count retry: 5 attempts, backing off from 5 ms up to 250 ms. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 5,
  maxDelayMs: 250,
};

/** A command retries lost races for 5 s, backing off from 5 ms up to 250 ms. */
export const DEFAULT_COMMAND_RETRY_POLICY: CommandRetryPolicy = {
  deadlineMs: 5000,
  baseDelayMs: 5,
  maxDelayMs: 250,
};

/**
 * The wait before retry number `attempt` (1 = first retry): "full jitter", uniformly random up to
 * an exponentially growing bound, so writers that collided once do not collide again in step.
 */
export function backoffDelayMs(policy: Backoff, attempt: number, random = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * bound);
}

/**
 * The wait before retry number `attempt` of an operation that started at `startedAt` (epoch
 * ms), or `undefined` when waiting would pass the policy's deadline: then the caller gives up.
 */
export function delayBeforeDeadline(
  policy: CommandRetryPolicy,
  startedAt: number,
  attempt: number,
  now = Date.now(),
  random = Math.random,
): number | undefined {
  const delay = backoffDelayMs(policy, attempt, random);
  return now + delay > startedAt + policy.deadlineMs ? undefined : delay;
}

/** How `retrying` repeats an operation. */
export interface RetryOptions {
  /** Attempts in all, the first included; default: no limit but `delayMs`. */
  readonly attempts?: number;
  /** Whether a failure is worth another attempt; default every one. Others are thrown at once. */
  readonly retryIf?: (error: unknown) => boolean;
  /** Told of each failure `retryIf` accepts, the last one included. */
  readonly onFailure?: (error: unknown, attempt: number) => void;
  /**
   * The wait before attempt `attempt + 1`, or `undefined` to give up now (a passed deadline);
   * without it the next attempt follows at once.
   */
  readonly delayMs?: (attempt: number) => number | undefined;
  /** How to wait (a worker waits so that a stop interrupts it); default a timer. */
  readonly wait?: (ms: number) => Promise<void>;
}

/**
 * Runs `operation` until it succeeds, a failure is not worth retrying, the attempts are spent
 * or `delayMs` gives up; then throws the last failure. The one retry loop of Strata: commands
 * after a lost race, appends without a pinned version, subscribers' failing events.
 *
 * @example
 * const result = await retrying(() => append(), {
 *   attempts: 10,
 *   retryIf: isConcurrencyError,
 *   delayMs: (attempt) => backoffDelayMs(DEFAULT_RETRY_POLICY, attempt),
 * });
 */
export async function retrying<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { attempts = Infinity, retryIf = () => true, onFailure, delayMs, wait = sleep } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!retryIf(error)) throw error;
      onFailure?.(error, attempt);
      if (attempt >= attempts) throw error;
      if (delayMs === undefined) continue;
      const delay = delayMs(attempt);
      if (delay === undefined) throw error;
      await wait(delay);
    }
  }
}
