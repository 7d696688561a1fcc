// Vitest global setup of the integration project: initialises one empty PGlite database and
// saves it, so that tests start their in-memory databases from it instead of each running
// initdb, most of PGlite's start-up (see memoryPgliteDriver).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding an empty PGlite data directory, as `dumpDataDir()` saves it. */
    pgliteTemplate: string;
  }
}

let dir: string | undefined;

/** Saves the empty database and tells the tests where. */
export async function setup(project: TestProject): Promise<void> {
  dir = await mkdtemp(path.join(tmpdir(), 'strata-pglite-template-'));
  const file = path.join(dir, 'pgdata.tar');
  const db = await PGlite.create('memory://');
  try {
    const dump = await db.dumpDataDir('none');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
  project.provide('pgliteTemplate', file);
}

/** Removes the saved database. */
export async function teardown(): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}
