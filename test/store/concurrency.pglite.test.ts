import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { concurrencyContract } from './contract/concurrency.contract.js';

describe('event store on PGlite under concurrent writers', () => {
  concurrencyContract(useTestDatabase('pglite'));
});
