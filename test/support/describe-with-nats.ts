import { describe, it } from 'vitest';

import { NATS_SERVER, natsServerVersion } from './nats-server.js';

const available = natsServerVersion() !== undefined;

/**
 * `describe` for suites that start their own `nats-server`; skipped with a loud warning when
 * the binary is missing (set NATS_SERVER_BIN), failed instead under CI=true.
 */
export function describeWithNats(name: string, suite: () => void): void {
  if (available) {
    describe(name, suite);
    return;
  }
  const problem = `nats-server (${NATS_SERVER}) is not installed (set NATS_SERVER_BIN)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs nats-server', () => {
        throw new Error(`${problem}; CI=true, so this suite fails instead of skipping`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${problem} ***\n`);
  describe.skip(name, suite);
}
