/**
 * The root of every error Strata throws on purpose.
 *
 * Each subclass has a stable string `code` (never reworded, safe to switch on) and carries the
 * structured fields a caller needs; the HTTP gateway maps codes to status codes in one table, so
 * core errors know nothing of HTTP.
 */
export abstract class StrataError extends Error {
  /** Stable, machine-readable identity of the error (`CONCURRENCY_CONFLICT`, …). */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `error` is any error Strata threw on purpose. */
export function isStrataError(error: unknown): error is StrataError {
  return error instanceof StrataError;
}
