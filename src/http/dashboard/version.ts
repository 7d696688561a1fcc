import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * Strata's version, from its package.json: the nearest one above this module called strata
 * (from the sources or from `dist/`, which sit at different depths).
 */
export function strataVersion(): string {
  if (cached !== undefined) return cached;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'strata') return (cached = manifest.version ?? 'unknown');
    } catch {
      // No package.json here: look further up.
    }
    const parent = dirname(directory);
    if (parent === directory) return (cached = 'unknown');
    directory = parent;
  }
}
