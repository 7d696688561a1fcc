import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { inlineContract } from './contract/inline.contract.js';
import { projectionsContract } from './contract/projections.contract.js';
import { readYourWritesContract } from './contract/read-your-writes.contract.js';
import { rebuildContract } from './contract/rebuild.contract.js';

describePostgres('projections on PostgreSQL', () => {
  const db = useTestDatabase('pg');
  projectionsContract(db);
  rebuildContract(db);
  readYourWritesContract(db);
  inlineContract(db);
});
