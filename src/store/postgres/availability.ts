import { StoreUnavailableError, type UnavailableReason } from '../errors.js';
import type { SqlDriver, SqlExecutor } from './drivers/types.js';
import { translateUnavailable, unavailableReason } from './translate-error.js';

/** Whether the database accepts writes, as far as the store can tell. */
export interface Availability {
  readonly writable: boolean;
  /** Why it does not, when it does not. */
  readonly reason?: UnavailableReason;
  /** The error that showed it (the driver's own words): for the logs, never for an answer. */
  readonly error?: unknown;
}

/** A driver that reports unavailability as `StoreUnavailableError`, and what it saw of it. */
export interface WatchedDriver {
  /** The driver, its errors meaning "not now" turned into `StoreUnavailableError`. */
  readonly driver: SqlDriver;
  /**
   * Whether the database accepts writes now: its read-only setting, read in a fresh
   * transaction, or a disk-full refusal seen in the last `REFUSAL_MEMORY_MS`.
   */
  availability(): Promise<Availability>;
}

/**
 * How long a disk-full refusal keeps the store "unavailable": no read shows that the disk is
 * full, so readiness trusts the last write that said so for this long.
 */
const REFUSAL_MEMORY_MS = 10_000;

const READ_ONLY_SETTING = `SELECT current_setting('transaction_read_only') AS read_only`;

/** Wraps `inner` so every operation translates and remembers the database's refusals. */
export function watchAvailability(inner: SqlDriver, now: () => number = Date.now): WatchedDriver {
  let diskFullAt: number | undefined;

  const translate = (error: unknown): unknown => {
    const translated = translateUnavailable(error);
    if (translated instanceof StoreUnavailableError && translated.reason === 'disk-full') {
      diskFullAt = now();
    }
    return translated;
  };

  const guard = (executor: SqlExecutor): SqlExecutor => ({
    async query<Row>(text: string, params?: readonly unknown[], name?: string) {
      try {
        return await executor.query<Row>(text, params, name);
      } catch (error) {
        throw translate(error);
      }
    },
    async exec(script) {
      try {
        await executor.exec(script);
      } catch (error) {
        throw translate(error);
      }
    },
  });

  const driver: SqlDriver = {
    kind: inner.kind,
    schema: inner.schema,
    ...guard(inner),
    async transaction(work) {
      try {
        return await inner.transaction((tx) => work(guard(tx)));
      } catch (error) {
        throw translate(error);
      }
    },
    listen: (channel, onNotification) => inner.listen(channel, onNotification),
    tryLease: (key) => inner.tryLease(key),
    leaseHolder: (key) => inner.leaseHolder(key),
    close: () => inner.close(),
  };

  return {
    driver,
    async availability() {
      try {
        // In a transaction of its own: `transaction_read_only` then shows the session's default.
        await inner.transaction(async (tx) => {
          const [row] = await tx.query<{ read_only: string }>(READ_ONLY_SETTING);
          // Failing drops this session (the pg driver does not pool a session refused as
          // read-only): opened while the database was read-only, it would stay so.
          if (row?.read_only === 'on') throw new StoreUnavailableError('read-only');
        });
      } catch (error) {
        return { writable: false, reason: unavailableReason(error) ?? 'unreachable', error };
      }
      if (diskFullAt !== undefined && now() - diskFullAt < REFUSAL_MEMORY_MS) {
        return { writable: false, reason: 'disk-full' };
      }
      return { writable: true };
    },
  };
}
