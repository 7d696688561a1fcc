import { describeWithNats } from '../support/describe-with-nats.js';
import { describePostgres } from '../support/postgres.js';
import { useTestDatabase } from '../support/test-database.js';
import { forwarderCrashContract } from './contract/forwarder-crash.contract.js';
import { forwarderFaultsContract } from './contract/forwarder-faults.contract.js';
import { forwarderResyncContract } from './contract/forwarder-resync.contract.js';
import { forwarderContract } from './contract/forwarder.contract.js';

describePostgres('bus forwarder on PostgreSQL', () => {
  describeWithNats('with nats-server', () => {
    const db = useTestDatabase('pg');
    forwarderContract(db);
    forwarderFaultsContract(db);
    forwarderResyncContract(db);
    forwarderCrashContract('pg');
  });
});
