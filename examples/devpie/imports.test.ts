import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = path.dirname(fileURLToPath(import.meta.url));
const CONTEXTS = ['identity', 'projects', 'estimation'];

/** Every import specifier of every TypeScript file of devpie, by file (relative to devpie). */
async function importsByFile(): Promise<Map<string, string[]>> {
  const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.ts'));
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const source = await readFile(path.join(root, file), 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)];
    imports.set(
      file,
      specifiers.map((match) => match[1]!),
    );
  }
  return imports;
}

describe("devpie's imports, as a user's app would have them", () => {
  it("imports Strata by its package name, 'strata', never by a path into src", async () => {
    const imports = await importsByFile();
    expect([...imports.values()].flat()).toContain('strata');
    const intoSources = [...imports].filter(([, specifiers]) =>
      specifiers.some((specifier) => /(^|\/)src(\/|$)/.test(specifier)),
    );
    expect(intoSources).toEqual([]);
  });

  it("reaches another context only through that context's index.ts", async () => {
    const deep: string[] = [];
    for (const [file, specifiers] of await importsByFile()) {
      const context = file.split(path.sep)[0];
      for (const specifier of specifiers.filter((s) => s.startsWith('.'))) {
        const target = path.relative(root, path.resolve(root, path.dirname(file), specifier));
        const [targetContext, ...rest] = target.split(path.sep);
        const other = CONTEXTS.includes(targetContext!) && targetContext !== context;
        if (other && rest.join('/') !== 'index.js') deep.push(`${file} → ${specifier}`);
      }
    }
    expect(deep).toEqual([]);
  });
});
