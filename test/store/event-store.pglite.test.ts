import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { appendContract } from './contract/append.contract.js';
import { badInputContract } from './contract/bad-input.contract.js';
import { operationsContract } from './contract/operations.contract.js';
import { serialTransactionsContract } from './contract/late-commit.contract.js';
import { readContract } from './contract/read.contract.js';
import { snapshotsContract } from './contract/snapshots.contract.js';

describe('event store on PGlite', () => {
  const db = useTestDatabase('pglite');
  appendContract(db);
  readContract(db);
  badInputContract(db);
  snapshotsContract(db);
  operationsContract(db);
  serialTransactionsContract(db);
});
