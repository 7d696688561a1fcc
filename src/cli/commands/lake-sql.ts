import { tmpdir } from 'node:os';
import path from 'node:path';

import type { StrataConfig } from '../../app/config.js';
import { compactLake, queryLake, type HourRange } from '../../lake/index.js';
import { InvalidArgumentError } from '../../store/index.js';
import { formatQueryResult, type QueryOutputFormat } from './lake-output.js';
import { hourBound, withSink } from './lake.js';
import { print } from './sessions.js';

/** `--from`/`--to` as hours. */
export interface HourOptions {
  readonly from?: string;
  readonly to?: string;
  readonly cache?: string;
}

function hourRange(options: HourOptions): HourRange {
  return {
    ...(options.from === undefined ? {} : { from: hourBound(options.from) }),
    ...(options.to === undefined ? {} : { to: hourBound(options.to) }),
  };
}

/**
 * Where copies of S3 objects go: `--cache`, `lake.cacheDir`, or under the OS temp dir (objects
 * never change, so copies stay good).
 */
const cacheDirOf = (config: StrataConfig, cache: string | undefined): string =>
  path.resolve(cache ?? config.lake?.cacheDir ?? path.join(tmpdir(), 'strata-lake-cache'));

const FORMATS: readonly QueryOutputFormat[] = ['table', 'json', 'csv'];

/** `strata lake query "SELECT …"`: SQL over the archive's `events`, printed as `--format`. */
export async function queryLakeCommand(
  config: StrataConfig,
  sql: string,
  options: HourOptions & { format: string },
): Promise<void> {
  const format = FORMATS.find((name) => name === options.format);
  if (format === undefined) {
    throw new InvalidArgumentError('--format', `must be table, json or csv, not ${options.format}`);
  }
  const range = hourRange(options);
  await withSink(config, async (sink) => {
    const result = await queryLake(sink, sql, {
      ...range,
      cacheDir: cacheDirOf(config, options.cache),
    });
    print(formatQueryResult(format, result.columns, result.rows));
  });
}

/** `strata lake compact`: each hour or day of raw objects into a Parquet file beside them. */
export async function compactLakeCommand(
  config: StrataConfig,
  options: HourOptions & { by: string },
): Promise<void> {
  if (options.by !== 'hour' && options.by !== 'day') {
    throw new InvalidArgumentError('--by', `must be hour or day, not ${options.by}`);
  }
  const by = options.by;
  const range = hourRange(options);
  await withSink(config, async (sink) => {
    const report = await compactLake(sink, {
      ...range,
      by,
      cacheDir: cacheDirOf(config, options.cache),
    });
    for (const file of report.written) {
      print(`${file.key}\t${file.events} events from ${file.objects} object(s)`);
    }
    print(
      `Compacted ${report.written.length} ${by}(s) into Parquet; ` +
        `${report.upToDate} already up to date.`,
    );
  });
}
