import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { concurrencyContract } from './contract/concurrency.contract.js';

describePostgres('event store on PostgreSQL under concurrent writers', () => {
  concurrencyContract(useTestDatabase('pg'));
});
