// A process that races for data-directory locks: `node --import tsx test/support/lock-racer.ts`.
// Each line on stdin names a directory; it tries to lock it at once and prints
// `<dir> won` or `<dir> lost <error code>`, keeping every lock it won until it exits.
// It takes the lock module directly: starting PGlite in each winner would make a test of many
// rounds take minutes, and the lock is all that decides who opens a directory.
import { createInterface } from 'node:readline';

import { acquireDirectoryLock } from '../../src/store/postgres/drivers/directory-lock.js';

const held: unknown[] = [];
process.stdout.write('ready\n');
for await (const dir of createInterface({ input: process.stdin })) {
  try {
    held.push(await acquireDirectoryLock(dir));
    process.stdout.write(`${dir} won\n`);
  } catch (error) {
    process.stdout.write(`${dir} lost ${(error as { code?: string }).code ?? String(error)}\n`);
  }
}
