import { describeWithNats } from '../support/describe-with-nats.js';
import { useTestDatabase } from '../support/test-database.js';
import { forwarderCrashContract } from './contract/forwarder-crash.contract.js';
import { forwarderFaultsContract } from './contract/forwarder-faults.contract.js';
import { forwarderResyncContract } from './contract/forwarder-resync.contract.js';
import { forwarderContract } from './contract/forwarder.contract.js';

describeWithNats('bus forwarder on PGlite', () => {
  const db = useTestDatabase('pglite');
  forwarderContract(db);
  forwarderFaultsContract(db);
  forwarderResyncContract(db);
  forwarderCrashContract('pglite');
});
