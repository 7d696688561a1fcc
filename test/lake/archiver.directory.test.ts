import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe } from 'vitest';

import { directorySink } from '../../src/lake/index.js';
import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { archiverContract } from './contract/archiver.contract.js';
import { lakeSqlContract } from './contract/lake-sql.contract.js';

async function directory() {
  const root = await mkdtemp(path.join(tmpdir(), 'strata-lake-'));
  return { sink: directorySink(root), remove: () => rm(root, { recursive: true, force: true }) };
}

describe('the lake in a directory, on PGlite', () => {
  archiverContract(useTestDatabase('pglite'), directory);
});

describePostgres('the lake in a directory, on PostgreSQL', () => {
  archiverContract(useTestDatabase('pg'), directory);
});

describe('SQL over the lake in a directory', () => {
  lakeSqlContract(directory);
});
