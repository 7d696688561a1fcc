import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { commandHandlingContract } from './contract/command-handling.contract.js';

describePostgres('command handling on PostgreSQL', () => {
  commandHandlingContract(useTestDatabase('pg'));
});
