import { InvalidArgumentError } from '../../errors.js';

/** Runs SQL on one connection or transaction. */
export interface SqlExecutor {
  /**
   * Runs one parameterised statement and returns its rows. `name` makes it a prepared statement
   * on drivers that support them: the same name must always carry the same text.
   */
  query<Row>(text: string, params?: readonly unknown[], name?: string): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The small port between Strata's one SQL implementation and a PostgreSQL engine: the `pg`
 * connection pool or embedded PGlite. Every connection's `search_path` is the driver's schema,
 * so the SQL never names a schema.
 */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'pg' | 'pglite';
  /** The schema holding Strata's tables. */
  readonly schema: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Calls `onNotification` for each NOTIFY on `channel` until the returned function is called. */
  listen(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
  /**
   * Takes the exclusive lease named `key` if no one (in this process or another) holds it;
   * `undefined` when someone does. On PostgreSQL a lease is a session advisory lock, so it
   * ends when its holder's process dies.
   */
  tryLease(key: string): Promise<Lease | undefined>;
  /** Who holds the lease named `key` now; `undefined` when no one does. */
  leaseHolder(key: string): Promise<LeaseHolder | undefined>;
  close(): Promise<void>;
}

/** The holder of a lease, as operators see it. */
export interface LeaseHolder {
  /** Whether it is this process. */
  readonly thisProcess: boolean;
  /** On PostgreSQL: the session holding it (its backend's pid, application, client address). */
  readonly pid?: number;
  readonly applicationName?: string;
  readonly clientAddress?: string;
}

/** An exclusive lease held by this process. */
export interface Lease {
  /** Settles when the lease is lost (the session holding it dropped); never on `release`. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** The fields of a PostgreSQL error that Strata reads (both drivers report them). */
export interface PostgresErrorFields {
  readonly code?: string;
  readonly constraint?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Throws unless `schema` is a plain lower-case identifier that needs no quoting. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new InvalidArgumentError(
      `schema ${JSON.stringify(schema)}`,
      'must be lower-case letters, digits and _, start with a letter or _, and be at most 48 characters',
    );
  }
}
