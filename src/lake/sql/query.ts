import { StrataError } from '../../errors.js';
import type { LakeSink } from '../sink.js';
import { lakeCatalog, type HourRange } from './catalog.js';
import { selectJsonLines, selectNothing, selectParquet } from './columns.js';
import { openDuckDb, sqlString } from './duckdb.js';
import { localFiles } from './local-files.js';
import { planLakeRead } from './plan.js';

/** DuckDB refused or failed the SQL of `strata lake query`; its message says why. */
export class LakeQueryError extends StrataError {
  readonly code = 'LAKE_QUERY_FAILED';
}

/** What `queryLake` reads, and where S3 objects are copied to first. */
export interface LakeQueryOptions extends HourRange {
  readonly cacheDir: string;
}

/** A query's answer, with what it read. */
export interface LakeQueryResult {
  readonly columns: readonly string[];
  /** Plain values: numbers (or strings past 2^53), strings, booleans, null, arrays, objects. */
  readonly rows: readonly (readonly unknown[])[];
  /** Files read: compacted Parquet, and raw JSON lines objects none of them holds. */
  readonly read: { readonly parquet: number; readonly jsonl: number };
}

/** A DuckDB value as plain JSON-able data: times as RFC 3339, big integers exact. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  }
  return value;
}

const hourStart = (hour: string) => `${hour}:00:00Z`;
const nextHourStart = (hour: string) =>
  new Date(new Date(hourStart(hour)).getTime() + 3_600_000).toISOString();

/** The `events` view: Parquet and JSON lines together, cut to `range` (a day file spans more). */
function eventsView(parquet: readonly string[], jsonl: readonly string[], range: HourRange) {
  const sources = [
    ...(parquet.length > 0 ? [selectParquet(parquet.map(sqlString))] : []),
    ...(jsonl.length > 0 ? [selectJsonLines(jsonl.map(sqlString))] : []),
  ];
  const union = sources.length === 0 ? selectNothing() : sources.join(' UNION ALL ');
  const bounds = [
    ...(range.from === undefined ? [] : [`recorded_at >= TIMESTAMPTZ '${hourStart(range.from)}'`]),
    ...(range.to === undefined ? [] : [`recorded_at < TIMESTAMPTZ '${nextHourStart(range.to)}'`]),
  ];
  const where = bounds.length === 0 ? '' : ` WHERE ${bounds.join(' AND ')}`;
  return `CREATE VIEW events AS SELECT * FROM (${union})${where}`;
}

/**
 * Runs `sql` over the archive with DuckDB, as a table `events` (see `EVENT_COLUMNS`): only the
 * hours of `options` are opened, compacted Parquet files are read instead of the raw objects
 * they hold, and S3 objects are fetched into `options.cacheDir` first.
 */
export async function queryLake(
  sink: LakeSink,
  sql: string,
  options: LakeQueryOptions,
): Promise<LakeQueryResult> {
  const catalog = await lakeCatalog(sink, options);
  const plan = planLakeRead(catalog.raw, catalog.compacted);
  const parquet = await localFiles(
    sink,
    plan.parquet.map((file) => file.key),
    options.cacheDir,
  );
  const jsonl = await localFiles(
    sink,
    plan.jsonl.map((object) => object.key),
    options.cacheDir,
  );
  const duckDb = await openDuckDb();
  try {
    await duckDb.connection.run(eventsView(parquet, jsonl, options));
    let reader;
    try {
      reader = await duckDb.connection.runAndReadAll(sql);
    } catch (error) {
      throw new LakeQueryError((error as Error).message, { cause: error });
    }
    return {
      columns: reader.columnNames(),
      rows: reader.getRowsJS().map((row) => row.map(plainValue)),
      read: { parquet: parquet.length, jsonl: jsonl.length },
    };
  } finally {
    duckDb.close();
  }
}
