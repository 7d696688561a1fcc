import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { engineContract } from './contract/engine.contract.js';
import { parkingContract } from './contract/parking.contract.js';
import { pausingContract } from './contract/pausing.contract.js';
import { undecodableContract } from './contract/undecodable.contract.js';
import { unavailableContract } from './contract/unavailable.contract.js';

describe('subscriptions on PGlite', () => {
  const db = useTestDatabase('pglite');
  engineContract(db);
  parkingContract(db);
  pausingContract(db);
  undecodableContract(db);
  unavailableContract(db);
});
