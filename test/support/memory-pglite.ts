import { readFile } from 'node:fs/promises';

import { inject } from 'vitest';

import { createPgliteDriver, type SqlDriver } from '../../src/store/index.js';

let template: Promise<Blob> | undefined;

/**
 * A new in-memory PGlite database, started from the empty one the integration project's global
 * setup saved: the same database as `createPgliteDriver()` makes, without running initdb again.
 */
export async function memoryPgliteDriver(options: { schema?: string } = {}): Promise<SqlDriver> {
  template ??= readFile(inject('pgliteTemplate')).then((bytes) => new Blob([bytes]));
  return createPgliteDriver({ ...options, loadDataDir: await template });
}
