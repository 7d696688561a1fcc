import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { appendContract } from './contract/append.contract.js';
import { badInputContract } from './contract/bad-input.contract.js';
import { operationsContract } from './contract/operations.contract.js';
import { lateCommitContract } from './contract/late-commit.contract.js';
import { readContract } from './contract/read.contract.js';
import { snapshotsContract } from './contract/snapshots.contract.js';

describePostgres('event store on PostgreSQL', () => {
  const db = useTestDatabase('pg');
  appendContract(db);
  readContract(db);
  badInputContract(db);
  snapshotsContract(db);
  operationsContract(db);
  lateCommitContract(db);
});
