import type { StrataConfig } from '../../app/config.js';
import { readProjectionRows, type ProjectionRow } from '../../projections/index.js';
import {
  storedSubscriberProgress,
  type StoredSubscriberProgress,
} from '../../subscriptions/index.js';
import { loadApp } from '../open-system.js';
import { showRebuildProgress } from '../progress-bar.js';
import { print, withStore, withSystem } from './sessions.js';
import { horizonLine } from './status.js';

/** The generations of a projection, as `projections list` states them. */
function generationsText(row: ProjectionRow | undefined): string {
  const active =
    row?.active_generation == null
      ? 'not built yet'
      : `generation ${row.active_generation} (v${row.active_version})`;
  const building =
    row?.building_generation == null
      ? ''
      : `, building generation ${row.building_generation} (v${row.building_version})`;
  return `${active}${building}`;
}

/** How far behind the log a generation's subscriber is, in events and seconds. */
function lagText(stored: StoredSubscriberProgress | undefined): string {
  if (stored === undefined) return '';
  const events = `${stored.unreadComplete ? '' : '≥ '}${stored.unreadEvents}`;
  return `\t${events} events unread, ${Math.round(stored.unreadSeconds)} s behind`;
}

/** `strata projections list`: each projection's version, generations and lag. */
export async function listProjections(config: StrataConfig): Promise<void> {
  const app = await loadApp(config);
  await withStore(config, async (store) => {
    const rows = await readProjectionRows(store.driver);
    // This process runs no subscriber: where each one is comes from the database.
    const progress = new Map(
      (await storedSubscriberProgress(store)).map((entry) => [entry.name, entry]),
    );
    for (const definition of app.projections ?? []) {
      const row = rows.find((candidate) => candidate.name === definition.name);
      const stored = progress.get(`projection:${definition.name}:g${row?.active_generation ?? 0}`);
      print(
        `${definition.name}\tv${definition.version}\t${generationsText(row)}${lagText(stored)}`,
      );
    }
    const horizon = await horizonLine(store);
    if (horizon !== undefined) print(horizon);
  });
}

/** `strata projections abandon NAME`: gives up the build under way, if any, and says so. */
export async function abandonProjectionBuild(config: StrataConfig, name: string): Promise<void> {
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

/** `strata projections rebuild NAME`: rebuilds here, drawing a progress bar on standard error. */
export async function rebuildProjection(config: StrataConfig, name: string): Promise<void> {
  await withSystem(config, async (system) => {
    await system.start();
    const rebuild = await system.projections.rebuild(name);
    await showRebuildProgress(rebuild);
    print(`Rebuilt ${name} as generation ${rebuild.generation}; queries read it now.`);
  });
}
