import { setTimeout as sleep } from 'node:timers/promises';

import type { StrataConfig } from '../app/config.js';
import type { StrataSystem } from '../app/system.js';
import { readProjectionRows } from '../projections/index.js';
import {
  describeHolder,
  migrate,
  parseCursor,
  type Cursor,
  type PostgresEventStore,
  type StoredEvent,
} from '../store/index.js';
import { createParkedEvents, storedSubscriberProgress } from '../subscriptions/index.js';
import type { CliIo } from './io.js';
import { openDriver, openSystem } from './open-system.js';

/** Writes a line to the run's standard output. */
const printer =
  (io: CliIo) =>
  (line: string): void => {
    io.stdout(`${line}\n`);
  };

/** Runs `work` on the configured system and closes it after, whatever happens. */
async function withSystem<T>(
  config: StrataConfig,
  work: (system: StrataSystem) => Promise<T>,
): Promise<T> {
  const system = await openSystem(config);
  try {
    return await work(system);
  } finally {
    await system.stop();
  }
}

export async function migrateCommand(config: StrataConfig, io: CliIo): Promise<void> {
  const print = printer(io);
  const driver = await openDriver(config);
  try {
    const { applied } = await migrate(driver);
    print(applied.length === 0 ? 'The schema is up to date.' : `Applied ${applied.join(', ')}.`);
  } finally {
    await driver.close();
  }
}

export async function listStreams(
  config: StrataConfig,
  io: CliIo,
  options: { category?: string; after?: string; limit: number },
): Promise<void> {
  const print = printer(io);
  await withSystem(config, async ({ store }) => {
    const streams = await store.listStreams(options);
    for (const stream of streams) {
      print(
        `${stream.streamId}\tversion ${stream.version}\t${stream.lastRecordedAt.toISOString()}`,
      );
    }
    if (streams.length === 0) print('No streams.');
  });
}

const eventLine = (event: StoredEvent): string =>
  JSON.stringify({
    position: event.globalPosition,
    stream: event.streamId,
    version: event.streamVersion,
    type: event.type,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    cursor: event.cursor,
  });

export async function showStream(
  config: StrataConfig,
  io: CliIo,
  streamId: string,
  options: { from: number; limit: number },
) {
  const print = printer(io);
  await withSystem(config, async ({ store }) => {
    const events = await store.readStream(streamId, options);
    if (events.length === 0) print(`No events in stream ${streamId} from version ${options.from}.`);
    for (const event of events) print(eventLine(event));
  });
}

/** Prints the log from `after`; with `follow`, keeps printing events as they commit. */
export async function tailEvents(
  config: StrataConfig,
  io: CliIo,
  options: { after?: string; limit: number; follow: boolean },
): Promise<void> {
  const print = printer(io);
  await withSystem(config, async ({ store }) => {
    let cursor: Cursor | undefined =
      options.after === undefined ? undefined : parseCursor(options.after);
    let wake: () => void = () => undefined;
    const stopListening = store.onCommit(() => {
      wake();
    });
    const state = { stopped: false };
    const interrupt = () => {
      state.stopped = true;
      wake();
    };
    // Only a follower waits for Ctrl-C; removed after, so a run inside a longer-lived process
    // (the tests run the CLI in-process) leaves no listener behind.
    if (options.follow) process.once('SIGINT', interrupt);
    try {
      do {
        for await (const event of store.readAll({ after: cursor, limit: options.limit })) {
          print(eventLine(event));
          cursor = event.cursor;
        }
        if (options.follow && !state.stopped) {
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(1_000)]);
        }
      } while (options.follow && !state.stopped);
    } finally {
      process.off('SIGINT', interrupt);
      stopListening();
    }
  });
}

/** The line naming the transaction that holds every reader back, if one has for a while. */
async function horizonLine(store: PostgresEventStore): Promise<string | undefined> {
  const { heldBy, seesAllSessions } = await store.horizon();
  if (heldBy === undefined) {
    return seesAllSessions
      ? undefined
      : "Strata's database role cannot see other roles' transactions, so it cannot name one " +
          'that holds readers back: grant it pg_read_all_stats.';
  }
  const ending =
    heldBy.pid === null
      ? `ROLLBACK PREPARED '${heldBy.preparedAs ?? ''}'`
      : `SELECT pg_terminate_backend(${heldBy.pid})`;
  return (
    `Readers are held back by an open transaction: ${describeHolder(heldBy)}. ` +
    `No reader passes it until it ends (${ending} ends it).`
  );
}

/** Whether the database takes writes, where each subscriber is, and what holds readers back. */
export async function showStatus(config: StrataConfig, io: CliIo): Promise<void> {
  const print = printer(io);
  await withSystem(config, async ({ store }) => {
    const { writable, reason } = await store.availability();
    print(`Database: ${writable ? 'accepts writes' : `does not accept writes (${reason})`}`);
    for (const subscriber of await storedSubscriberProgress(store)) {
      const unread = `${subscriber.unreadComplete ? '' : '≥ '}${subscriber.unreadEvents}`;
      const parked = subscriber.parked === 0 ? '' : `, ${subscriber.parked} parked`;
      print(
        `${subscriber.name}\tat ${subscriber.handled}\t${unread} events unread${parked}` +
          `\tsaved ${subscriber.updatedAt.toISOString()}`,
      );
    }
    print(
      (await horizonLine(store)) ?? 'Visibility horizon: no open transaction holds readers back.',
    );
  });
}

export async function listProjections(config: StrataConfig, io: CliIo): Promise<void> {
  const print = printer(io);
  await withSystem(config, async (system) => {
    const rows = await readProjectionRows(system.store.driver);
    // This process runs no subscriber: where each one is comes from the database.
    const progress = new Map(
      (await storedSubscriberProgress(system.store)).map((entry) => [entry.name, entry]),
    );
    for (const definition of system.app.projections ?? []) {
      const row = rows.find((candidate) => candidate.name === definition.name);
      const active =
        row?.active_generation == null
          ? 'not built yet'
          : `generation ${row.active_generation} (v${row.active_version})`;
      const building =
        row?.building_generation == null
          ? ''
          : `, building generation ${row.building_generation} (v${row.building_version})`;
      const stored = progress.get(`projection:${definition.name}:g${row?.active_generation ?? 0}`);
      const lag =
        stored === undefined
          ? ''
          : `\t${stored.unreadComplete ? '' : '≥ '}${stored.unreadEvents} events unread`;
      print(`${definition.name}\tv${definition.version}\t${active}${building}${lag}`);
    }
    const horizon = await horizonLine(system.store);
    if (horizon !== undefined) print(horizon);
  });
}

/** Gives up the build under way for a projection, if any, and says what it did. */
export async function abandonProjectionBuild(
  config: StrataConfig,
  io: CliIo,
  name: string,
): Promise<void> {
  const print = printer(io);
  await withSystem(config, async (system) => {
    const abandoned = await system.projections.abandonRebuild(name);
    print(
      abandoned === undefined
        ? `No build of ${name} is under way.`
        : `Abandoned the build of ${name} v${abandoned.version} (generation ${abandoned.generation}); ` +
            'queries keep reading the active generation.',
    );
  });
}

/** Rebuilds a projection here, drawing a progress bar on standard error. */
export async function rebuildProjection(
  config: StrataConfig,
  io: CliIo,
  name: string,
): Promise<void> {
  const print = printer(io);
  await withSystem(config, async (system) => {
    await system.start();
    const rebuild = await system.projections.rebuild(name);
    const state = { finished: false };
    void rebuild.done.then(() => (state.finished = true));
    while (!state.finished) {
      const progress = await rebuild.progress();
      const total = progress.eventsDone + progress.eventsRemaining;
      const share = total === 0 ? 1 : progress.eventsDone / total;
      const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '-');
      const eta =
        progress.etaSeconds === undefined ? '' : `, ETA ${Math.ceil(progress.etaSeconds)} s`;
      io.stderr(
        `\r[${bar}] ${Math.round(share * 100)}% ${progress.eventsDone}/${total} events, ` +
          `${Math.round(progress.eventsPerSecond)}/s${eta}   `,
      );
      await Promise.race([rebuild.done, sleep(250)]);
    }
    await rebuild.done;
    io.stderr('\n');
    print(`Rebuilt ${name} as generation ${rebuild.generation}; queries read it now.`);
  });
}

export async function listParked(
  config: StrataConfig,
  io: CliIo,
  subscriber: string | undefined,
): Promise<void> {
  const print = printer(io);
  const driver = await openDriver(config);
  try {
    const parked = await createParkedEvents(driver).list(
      subscriber === undefined ? {} : { subscriber },
    );
    for (const event of parked) {
      print(
        `${event.subscriber}\tposition ${event.globalPosition}\t${event.status}\t${event.streamId}@${event.streamVersion}` +
          `\t${event.eventType}\tattempts ${event.attempts}${event.error === undefined ? '' : `\t${event.error}`}`,
      );
    }
    if (parked.length === 0) print('No parked events.');
  } finally {
    await driver.close();
  }
}

export async function actOnParked(
  config: StrataConfig,
  io: CliIo,
  action: 'retry' | 'skip',
  subscriber: string,
  position: number,
): Promise<void> {
  const print = printer(io);
  const driver = await openDriver(config);
  try {
    const parked = createParkedEvents(driver);
    const outcome = await parked[action](subscriber, position, { waitMs: 5_000 });
    const said = {
      handled: 'Retried: handled, and the events of its stream behind it were released.',
      skipped: 'Skipped; the events of its stream behind it were released.',
      'failed-again': 'Retried, and it failed again; it stays parked.',
      requested:
        'Requested; the process running the subscriber will carry it out when it next runs.',
    } as const;
    print(said[outcome]);
  } finally {
    await driver.close();
  }
}
