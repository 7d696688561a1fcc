import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import * as bySelfReference from 'strata';
import * as bySource from '../../src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where Node resolves `'strata'` from the repository's root with `args`. */
async function resolveStrata(args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...args, '--input-type=module', '-e', "console.log(import.meta.resolve('strata'))"],
    { cwd: root },
  );
  return fileURLToPath(stdout.trim());
}

describe("the package's exports, as the example imports them", () => {
  it("resolve 'strata' in Vitest to the very modules of the sources", () => {
    expect(bySelfReference.DomainError).toBe(bySource.DomainError);
  });

  it('resolve to the TypeScript sources under the strata-source condition, for Node and tsx', async () => {
    expect(await resolveStrata(['--conditions=strata-source'])).toBe(`${root}src/index.ts`);
  });
});
