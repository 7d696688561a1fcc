import { describe } from 'vitest';

import { useTestDatabase } from '../support/test-database.js';
import { commandHandlingContract } from './contract/command-handling.contract.js';

describe('command handling on PGlite', () => {
  commandHandlingContract(useTestDatabase('pglite'));
});
