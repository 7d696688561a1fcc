import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { uniqueClaimsContract } from './contract/unique-claims.contract.js';

describe('unique constraints on PGlite', () => {
  uniqueClaimsContract(useTestDatabase('pglite'));
});
