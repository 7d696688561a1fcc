import { describe, it } from 'vitest';

import { swiftInstalled } from './s3-server.js';

const available = swiftInstalled();

/**
 * `describe` for suites that start their own S3 server (`startS3Server`, OpenStack Swift);
 * skipped with a loud warning when Swift or memcached is missing, failed instead under CI=true.
 */
export function describeWithS3(name: string, suite: () => void): void {
  if (available) {
    describe(name, suite);
    return;
  }
  const problem =
    'OpenStack Swift (swift-proxy-server and its storage servers) or memcached is not installed ' +
    '(apt-get install swift swift-proxy swift-account swift-container swift-object memcached)';
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs OpenStack Swift', () => {
        throw new Error(`${problem}; CI=true, so this suite fails instead of skipping`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${problem} ***\n`);
  describe.skip(name, suite);
}
