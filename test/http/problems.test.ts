import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DomainError } from '../../src/domain/index.js';
import { StrataError } from '../../src/errors.js';
import {
  HttpProblemError,
  NOT_ANSWERED,
  problemFor,
  PROBLEMS,
  type ProblemCode,
} from '../../src/http/index.js';

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
      expect([400, 401, 403, 404, 408, 409, 413, 414, 415, 422, 431, 500, 503]).toContain(
        kind.status,
      );
    }
  });
});

describe('problemFor', () => {
  class ProjectArchived extends DomainError {
    constructor() {
      super('PROJECT_ARCHIVED', 'An archived project cannot be renamed', { projectId: 'p1' });
    }
  }

  it('answers a subclass of DomainError as a 422 with its own code', () => {
    expect(problemFor(new ProjectArchived(), 'req-1')).toMatchObject({
      status: 422,
      code: 'PROJECT_ARCHIVED',
      type: 'https://strata.dev/problems/domain-rejected',
      detail: 'An archived project cannot be renamed',
      details: { projectId: 'p1' },
    });
  });

  it('answers an error whose code only looks like a key of the table as a 500', () => {
    class Odd extends StrataError {
      readonly code = 'toString';
    }
    expect(problemFor(new Odd('odd'), 'req-2')).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('keeps the cause of the errors it raises and of domain rejections', () => {
    const cause = new Error('driver said no');
    expect(new HttpProblemError('BAD_REQUEST', 'no', {}, { cause }).cause).toBe(cause);
    expect(new DomainError('NO', 'no', undefined, { cause }).cause).toBe(cause);
  });

  it('takes only codes of the table', () => {
    const codes: ProblemCode[] = ['NOT_FOUND', 'URI_TOO_LONG'];
    // @ts-expect-error a code the table does not have
    const unknown: ProblemCode = 'NO_SUCH_CODE';
    expect(codes.map((code) => PROBLEMS[code].status)).toEqual([404, 414]);
    expect(unknown in PROBLEMS).toBe(false);
  });
});
