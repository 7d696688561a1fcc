import type { AppDefinition } from '../../app/index.js';
import { ConfigError } from '../../app/config.js';
import { createProjectionRuntime, type ProjectionDefinition } from '../../projections/index.js';
import type { PostgresEventStore } from '../../store/index.js';
import { createSubscriptionEngine } from '../../subscriptions/index.js';
import { StrataError } from '../../errors.js';

/** A projection built from a replayed log did not catch up with it in time. */
export class ProjectionNotBuiltError extends StrataError {
  readonly code = 'PROJECTION_NOT_BUILT';
}

/** How long a projection may take to catch up with a replayed log: a day (it shows no bar). */
const BUILD_TIMEOUT_MS = 86_400_000;

/** The app's projections named `names`; an unknown name is refused, naming those there are. */
export function projectionsNamed(app: AppDefinition, names: readonly string[]) {
  const declared = app.projections ?? [];
  return names.map((name) => {
    const definition = declared.find((candidate) => candidate.name === name);
    if (definition === undefined) {
      const known = declared.map((candidate) => candidate.name).join(', ') || 'none';
      throw new ConfigError(
        `--projection ${name}: the app has no such projection (it has ${known})`,
      );
    }
    return definition;
  });
}

/**
 * Builds `definitions` (of the app `store` was opened with) on `store`, a replayed one, and
 * nothing else: no reactor runs, so the replayed log gains no event. Returns the events read.
 */
export async function buildProjections(
  store: PostgresEventStore,
  definitions: readonly ProjectionDefinition[],
): Promise<number> {
  const engine = createSubscriptionEngine({ store });
  const runtime = createProjectionRuntime({ store, engine, projections: definitions });
  const [head] = await store.driver.query<{ position: string | null; events: string }>(
    'SELECT max(global_position) AS position, count(*) AS events FROM events',
  );
  const last =
    head?.position === null || head?.position === undefined
      ? undefined
      : await store.cursorAt(Number(head.position));
  await runtime.start();
  engine.start();
  try {
    for (const { name } of definitions) {
      if (last !== undefined && !(await runtime.waitUntilCaughtUp(name, last, BUILD_TIMEOUT_MS))) {
        throw new ProjectionNotBuiltError(`${name} did not catch up with the replayed log`);
      }
    }
  } finally {
    await engine.stop();
    await runtime.stop();
  }
  return Number(head?.events ?? 0);
}
