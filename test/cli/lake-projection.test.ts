import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { GetProject } from '../../examples/devpie/projects/read-model.js';
import { GetEstimate } from '../../examples/devpie/estimation/read-model.js';
import { createSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { ARCHIVER_SUBSCRIBER, directorySink } from '../../src/lake/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { collect } from '../support/async.js';
import { runDevpieSession } from '../support/devpie-inject-session.js';
import { runStrataInProcess } from '../support/strata-cli.js';

describe('strata lake replay --projection', () => {
  let dir: string;
  let lake: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-lake-projection-'));
    lake = path.join(dir, 'lake');
    const system = await createSystem({
      app: devpie,
      driver: await createPgliteDriver({ dataDir: path.join(dir, 'data') }),
      lake: { sink: directorySink(lake), lingerMs: 20 },
    });
    await system.start();
    try {
      const gateway = await buildGateway({ system, consistencyTimeoutMs: 2_000 });
      await runDevpieSession(gateway);
      await gateway.close();
      const last = (await collect(system.store.readAll())).at(-1)!;
      expect(await system.engine.waitUntilCaughtUp(ARCHIVER_SUBSCRIBER, last.cursor, 20_000)).toBe(
        true,
      );
    } finally {
      await system.stop();
    }
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const strata = (...args: string[]) =>
    runStrataInProcess(['--data-dir', path.join(dir, 'data'), 'lake', ...args], {
      STRATA_LAKE: lake,
    });

  it('builds the named projections from the lake on the replayed store, and runs nothing else', async () => {
    const target = path.join(dir, 'analytics');
    const run = await strata(
      'replay',
      '--into',
      target,
      '--projection',
      'projects.detail',
      'estimation.estimates',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = Number(/Replayed (\d+) events/.exec(run.stdout)?.[1]);
    expect(run.stdout).toContain(
      `Built projects.detail, estimation.estimates there from its ${events} events.`,
    );
    // The replayed store, opened with the app but not started: its projections answer.
    const replayed = await createSystem({
      app: devpie,
      driver: await createPgliteDriver({ dataDir: target }),
    });
    try {
      await replayed.projections.start();
      expect(await replayed.queries.run(GetProject, { projectId: 'apollo' })).toMatchObject({
        ownerId: 'ada',
        totalEstimate: 8,
        tasks: [{ taskId: 'design', estimate: 8 }],
      });
      expect(
        await replayed.queries.run(GetEstimate, { projectId: 'apollo', taskId: 'design' }),
      ).toMatchObject({ points: 8 });
      // No reactor ran on it: the process manager did not open the estimation a second time.
      expect(await collect(replayed.store.readAll())).toHaveLength(events);
    } finally {
      await replayed.projections.stop();
      await replayed.store.close();
    }
  });

  it('without --projection builds none: the replayed store alone answers no query', async () => {
    const target = path.join(dir, 'bare');
    expect((await strata('replay', '--into', target)).code).toBe(0);
    const replayed = await createSystem({
      app: devpie,
      driver: await createPgliteDriver({ dataDir: target }),
    });
    try {
      await replayed.projections.start();
      const answer = await replayed.queries
        .run(GetProject, { projectId: 'apollo' })
        .catch((error: unknown) => error);
      expect(answer).not.toMatchObject({ ownerId: 'ada' });
    } finally {
      await replayed.projections.stop();
      await replayed.store.close();
    }
  });

  it('refuses a projection the app does not have before writing anything', async () => {
    const target = path.join(dir, 'never');
    const run = await strata('replay', '--into', target, '--projection', 'nope.nothing');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--projection nope.nothing: the app has no such projection');
    expect(run.stderr).toContain('projects.detail');
    await expect(rm(target)).rejects.toThrow(/ENOENT/);
  });
});
