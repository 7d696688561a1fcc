import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { inlineContract } from './contract/inline.contract.js';
import { projectionsContract } from './contract/projections.contract.js';
import { readYourWritesContract } from './contract/read-your-writes.contract.js';
import { rebuildContract } from './contract/rebuild.contract.js';

describe('projections on PGlite', () => {
  const db = useTestDatabase('pglite');
  projectionsContract(db);
  rebuildContract(db);
  readYourWritesContract(db);
  inlineContract(db);
});
