import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { engineContract } from './contract/engine.contract.js';
import { openTransactionsContract } from './contract/open-transactions.contract.js';
import { parkingContract } from './contract/parking.contract.js';
import { pausingContract } from './contract/pausing.contract.js';
import { undecodableContract } from './contract/undecodable.contract.js';
import { unavailableContract } from './contract/unavailable.contract.js';

describePostgres('subscriptions on PostgreSQL', () => {
  const db = useTestDatabase('pg');
  engineContract(db);
  parkingContract(db);
  pausingContract(db);
  undecodableContract(db);
  openTransactionsContract(db);
  unavailableContract(db);
});
