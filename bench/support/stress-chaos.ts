import type { SqlExecutor } from '../../src/store/index.js';

/** The SQLSTATE the chaos trigger raises, so writers tell its rollbacks from real failures. */
export const INJECTED_ROLLBACK = 'SX001';

/** How often the trigger delays an append before its commit, and how often it aborts one. */
export interface ChaosOptions {
  /** Fraction of appends that sleep after their insert, inside their transaction. */
  readonly delayFraction: number;
  /** Longest such sleep, in milliseconds. */
  readonly maxDelayMs: number;
  /** Fraction of appends whose transaction the trigger aborts. */
  readonly rollbackFraction: number;
}

/**
 * Installs a test-only trigger on the events table of the bench's own schema (never a real
 * one): after each append's insert it sleeps for a random fraction of appends, which keeps the
 * transaction open after its positions were drawn (later positions commit first), and raises
 * for another fraction, which rolls the append back after its positions were drawn (gaps).
 * One decision per statement, so a multi-event append is delayed or aborted as a whole.
 */
export async function installChaosTrigger(sql: SqlExecutor, options: ChaosOptions): Promise<void> {
  const { delayFraction, maxDelayMs, rollbackFraction } = options;
  await sql.exec(`
    CREATE FUNCTION stress_chaos() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A refused append inserts nothing; its statement-level trigger still fires.
      IF NOT EXISTS (SELECT 1 FROM appended) THEN RETURN NULL; END IF;
      IF random() < ${delayFraction} THEN
        PERFORM pg_sleep(random() * ${maxDelayMs / 1000});
      END IF;
      IF random() < ${rollbackFraction} THEN
        RAISE EXCEPTION 'stress: injected rollback' USING ERRCODE = '${INJECTED_ROLLBACK}';
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER stress_chaos AFTER INSERT ON events
      REFERENCING NEW TABLE AS appended
      FOR EACH STATEMENT EXECUTE FUNCTION stress_chaos();
  `);
}

/** True when `error` is the chaos trigger's abort. */
export function isInjectedRollback(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === INJECTED_ROLLBACK;
}
