import { describeNeeding } from './describe-needing.js';
import { NATS_SERVER, natsServerVersion } from './nats-server.js';

const available = natsServerVersion() !== undefined;

/**
 * `describe` for suites that start their own `nats-server`; skipped with a loud warning when
 * the binary is missing (set NATS_SERVER_BIN), failed instead under CI=true.
 */
export function describeWithNats(name: string, suite: () => void): void {
  const problem = `nats-server (${NATS_SERVER}) is not installed (set NATS_SERVER_BIN)`;
  describeNeeding({ what: 'nats-server', problem: available ? undefined : problem }, name, suite);
}
