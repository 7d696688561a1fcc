import type { StrataConfig } from '../../app/config.js';
import { StrataError } from '../../errors.js';
import {
  MESSAGES_DIR,
  openLakeSink,
  parseCompactedKey,
  parseObjectKey,
  replayLake,
  verifyLake,
  type LakeHourReport,
  type LakeSink,
} from '../../lake/index.js';
import {
  createPgDriver,
  createPgliteDriver,
  createPostgresEventStore,
  InvalidArgumentError,
} from '../../store/index.js';
import { openExistingStore } from '../existing-store.js';
import { appRegistry } from '../../app/index.js';
import type { MessageRegistry } from '../../messages/index.js';
import { loadApp } from '../open-system.js';
import { buildProjections, projectionsNamed } from './lake-projection.js';
import { print } from './sessions.js';

/** `strata lake` without a lake configured. */
export class LakeNotConfiguredError extends StrataError {
  readonly code = 'LAKE_NOT_CONFIGURED';
  constructor() {
    super('No lake is configured: set STRATA_LAKE to a directory or s3://bucket/prefix');
  }
}

/** `strata lake verify` found the archive and the log apart. */
export class LakeMismatchError extends StrataError {
  readonly code = 'LAKE_MISMATCH';
}

export async function withSink<T>(
  config: StrataConfig,
  work: (sink: LakeSink) => Promise<T>,
): Promise<T> {
  if (config.lake === undefined) throw new LakeNotConfiguredError();
  const sink = openLakeSink(config.lake.location, config.lake.s3);
  try {
    return await work(sink);
  } finally {
    sink.close();
  }
}

/** `YYYY-MM-DDTHH` of an `--from`/`--to` value (an hour, a day or an RFC 3339 time). */
export function hourBound(text: string): string {
  const date = new Date(text.length === 13 ? `${text}:00:00Z` : text);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      '--from/--to',
      `must be an hour (2026-11-23T04), a day or a time, not ${text}`,
    );
  }
  return date.toISOString().slice(0, 13);
}

/** `strata lake ls`: the archive's objects, one a line: hour, event count, key. */
export async function listLake(
  config: StrataConfig,
  options: { from?: string; to?: string },
): Promise<void> {
  const from = options.from === undefined ? undefined : hourBound(options.from);
  const to = options.to === undefined ? undefined : hourBound(options.to);
  await withSink(config, async (sink) => {
    let count = 0;
    for await (const key of sink.list(`${MESSAGES_DIR}/`)) {
      const span = parseObjectKey(key)?.hour ?? parseCompactedKey(key)?.span;
      if (span === undefined) continue;
      if (
        (from !== undefined && span < from.slice(0, span.length)) ||
        (to !== undefined && span > to)
      )
        continue;
      // The metadata alone: listing must not download every object.
      const metadata = await sink.metadata(key);
      print(`${span}\t${metadata?.count ?? '?'} events\t${key}`);
      count++;
    }
    if (count === 0) print('No objects in the lake.');
  });
}

const describeHour = (hour: LakeHourReport): string => {
  const problems = [
    hour.missing.length > 0 ? `${hour.missing.length} missing (first ${hour.missing[0]})` : '',
    hour.duplicates.length > 0
      ? `${hour.duplicates.length} duplicated (first ${hour.duplicates[0]})`
      : '',
    hour.foreign.length > 0
      ? `${hour.foreign.length} not as in the log (first ${hour.foreign[0]})`
      : '',
    hour.corrupt.length > 0
      ? `${hour.corrupt.length} corrupt object(s): ${hour.corrupt.join(', ')}`
      : '',
  ].filter((problem) => problem !== '');
  const counts = `${hour.lakeEvents}/${hour.logEvents} events in ${hour.objects} object(s)`;
  return `${hour.hour}\t${counts}\t${problems.length === 0 ? 'ok' : problems.join('; ')}`;
};

/**
 * `strata lake verify`: per hour, the archive's events against the log's (count, checksum,
 * gaps, duplicates); exits non-zero on any difference.
 */
export async function verifyLakeCommand(config: StrataConfig): Promise<void> {
  await withSink(config, async (sink) => {
    // As stored: the archive keeps events in the version they were written in.
    const store = await openExistingStore(config, undefined);
    try {
      const report = await verifyLake(sink, store);
      for (const hour of report.hours) print(describeHour(hour));
      if (report.notYetArchived > 0) {
        print(`${report.notYetArchived} newer event(s) of the log are not archived yet.`);
      }
      if (!report.ok) throw new LakeMismatchError('The lake does not match the log (see above)');
      print(`The lake matches the log: ${report.hours.length} hour(s).`);
    } finally {
      await store.close();
    }
  });
}

/** The store `into` names: a PostgreSQL URL (schema `schema`), else a PGlite data directory. */
async function openTarget(into: string, schema: string, registry: MessageRegistry | undefined) {
  const driver = /^postgres(ql)?:\/\//.test(into)
    ? createPgDriver({ connectionString: into, schema })
    : await createPgliteDriver({ dataDir: into });
  // Creates the schema and its tables, as a new store would.
  return createPostgresEventStore({ driver, registry });
}

/**
 * `strata lake replay --into <url | dir> [--projection NAME…]`: rebuilds an event store from the
 * archive (same ids, streams, versions and read order) and checks it against it, event by
 * event; then builds the app's projections named there, from the lake's events, for analytics
 * over old data (the live store is not touched).
 */
export async function replayLakeCommand(
  config: StrataConfig,
  options: { into: string; intoSchema: string; projection?: readonly string[] },
): Promise<void> {
  const names = options.projection ?? [];
  // Unknown names are refused before anything is written.
  const app = names.length === 0 ? undefined : await loadApp(config);
  const definitions = app === undefined ? [] : projectionsNamed(app, names);
  await withSink(config, async (sink) => {
    // With the app's registry when its projections are to be built there.
    const target = await openTarget(
      options.into,
      options.intoSchema,
      app === undefined ? undefined : appRegistry(app),
    );
    try {
      const report = await replayLake(sink, target.driver);
      print(
        `Replayed ${report.events} events from ${report.objects} object(s) into ${options.into}; ` +
          'read back, the new log is the archive.',
      );
      if (definitions.length === 0) return;
      const events = await buildProjections(target, definitions);
      print(`Built ${names.join(', ')} there from its ${events} events.`);
    } finally {
      await target.close();
    }
  });
}
