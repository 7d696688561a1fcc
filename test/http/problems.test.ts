import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { NOT_ANSWERED, PROBLEMS } from '../../src/http/index.js';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory()
        ? sourceFiles(full)
        : Promise.resolve(full.endsWith('.ts') ? [full] : []);
    }),
  );
  return nested.flat();
}

describe('the problem table', () => {
  it('answers every error code Strata throws, or lists it as never answered', async () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const codes = new Set<string>();
    for (const file of await sourceFiles(src)) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/readonly code = '([A-Z_]+)'/g)) {
        codes.add(match[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(20);
    const unmapped = [...codes].filter((code) => !(code in PROBLEMS) && !NOT_ANSWERED.has(code));
    expect(unmapped).toEqual([]);
  });

  it('tells clients when to retry each "not now" (503) answer', () => {
    for (const [code, kind] of Object.entries(PROBLEMS)) {
      if (kind.status === 503) expect(kind.retryAfterSeconds, code).toBeGreaterThan(0);
    }
    expect(PROBLEMS.STORE_UNAVAILABLE.status).toBe(503);
  });

  it('gives each status a title', () => {
    for (const [code, kind] of Object.entries(PROBLEMS)) {
      expect(kind.title.length, code).toBeGreaterThan(0);
      expect([400, 401, 403, 404, 409, 413, 414, 415, 422, 500, 503]).toContain(kind.status);
    }
  });
});
