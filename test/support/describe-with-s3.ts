import { describeNeeding } from './describe-needing.js';
import { swiftInstalled } from './s3-server.js';

const available = swiftInstalled();

/**
 * `describe` for suites that start their own S3 server (`startS3Server`, OpenStack Swift);
 * skipped with a loud warning when Swift or memcached is missing, failed instead under CI=true.
 */
export function describeWithS3(name: string, suite: () => void): void {
  const problem =
    'OpenStack Swift (swift-proxy-server and its storage servers) or memcached is not installed ' +
    '(apt-get install swift swift-proxy swift-account swift-container swift-object memcached)';
  describeNeeding(
    { what: 'OpenStack Swift', problem: available ? undefined : problem },
    name,
    suite,
  );
}
