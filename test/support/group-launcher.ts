// A process that starts `sleep 600` with launchInGroup and keeps running:
// `node --import tsx test/support/group-launcher.ts '"<log file>"'`. Prints `ready <pid>` (the
// sleep's pid); the test kills this process and checks the sleep dies with it.
import { launchInGroup } from './process-group.js';

const logFile = JSON.parse(process.argv[2] ?? '""') as string;
const child = launchInGroup(['sleep', '600'], logFile);
child.once('spawn', () => {
  process.stdout.write(`ready ${child.pid}\n`);
});
setInterval(() => undefined, 60_000);
