import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { projectionsContract } from './contract/projections.contract.js';

describe('projections on PGlite', () => {
  projectionsContract(useTestDatabase('pglite'));
});
