/** How an operation is retried: commands after a lost concurrency race, subscribers after a failed batch. */
export interface RetryPolicy {
  /** Attempts in all, the first included; default 5. */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff, doubled each retry; default 5 ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any backoff; default 250 ms. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 5,
  maxDelayMs: 250,
};

/**
 * The wait before retry number `attempt` (1 = first retry): "full jitter", uniformly random up to
 * an exponentially growing bound, so writers that collided once do not collide again in step.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * bound);
}
