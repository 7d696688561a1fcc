import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { engineContract } from './contract/engine.contract.js';
import { parkingContract } from './contract/parking.contract.js';

describePostgres('subscriptions on PostgreSQL', () => {
  const db = useTestDatabase('pg');
  engineContract(db);
  parkingContract(db);
});
