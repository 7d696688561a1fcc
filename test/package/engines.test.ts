import { readFileSync } from 'node:fs';

import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  readonly version?: string;
  // Some old packages declare an array here, which npm ignores.
  readonly engines?: { readonly node?: string } | string[];
}

const readJson = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const manifest = readJson('package.json') as { engines: { node: string } };
const lock = readJson('package-lock.json') as { packages: Record<string, LockedPackage> };

/** Locked packages whose declared Node range leaves out `version`: npm warns about each. */
function refusing(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([, locked]) => {
      const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
      return range !== undefined && !semver.satisfies(version, range);
    })
    .map(([location, locked]) => `${location}@${locked.version ?? '?'}`);
}

describe('the Node versions the package supports', () => {
  it('every locked package accepts the oldest Node that package.json promises', () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version;
    expect(oldest).toBe('20.19.0');
    expect(refusing(oldest!)).toEqual([]);
  });

  it('every locked package accepts the Node running the tests', () => {
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
    expect(refusing(process.version)).toEqual([]);
  });
});
