import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { projectionsContract } from './contract/projections.contract.js';

describePostgres('projections on PostgreSQL', () => {
  projectionsContract(useTestDatabase('pg'));
});
