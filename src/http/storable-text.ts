import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { HttpProblemError } from './problems.js';

// NUL, and UTF-16 surrogates not in a pair (with the `u` flag a pair is one code point, so only
// a lone one matches): PostgreSQL can store neither in text or jsonb.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** Why `text` cannot be stored, or `undefined` when it can. */
export function unstorableIn(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (match === null) return undefined;
  return match[0] === '\u0000'
    ? 'contains the NUL character (\\u0000), which cannot be stored'
    : 'contains an unpaired UTF-16 surrogate, which is not Unicode text';
}

interface Step {
  readonly value: unknown;
  readonly parent: Step | undefined;
  readonly segment: string;
}

function pointerOf(step: Step): string {
  const segments: string[] = [];
  for (let at = step; at.parent !== undefined; at = at.parent) {
    segments.push(at.segment.replaceAll('~', '~0').replaceAll('/', '~1'));
  }
  return segments
    .reverse()
    .map((segment) => `/${segment}`)
    .join('');
}

/**
 * The JSON pointer of the first string (a value or a key) in `value` that cannot be stored, with
 * the reason. Walks with a stack of its own: a parsed body can nest deeper than the call stack.
 */
export function findUnstorable(value: unknown): { path: string; message: string } | undefined {
  const pending: Step[] = [{ value, parent: undefined, segment: '' }];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    const current = step.value;
    if (typeof current === 'string') {
      const message = unstorableIn(current);
      if (message !== undefined) return { path: pointerOf(step), message };
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current as Record<string, unknown>)) {
        const childStep = { value: child, parent: step, segment: key };
        const message = unstorableIn(key);
        if (message !== undefined) return { path: pointerOf(childStep), message: `key ${message}` };
        pending.push(childStep);
      }
    }
  }
  return undefined;
}

/**
 * A `preValidation` hook refusing query parameters (names and values) that hold text PostgreSQL
 * cannot store, naming the parameter, before any handler passes them to the database.
 */
export function refuseUnstorableParameters(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  for (const [name, value] of Object.entries(query)) {
    for (const text of [name, ...[value ?? []].flat()]) {
      const message = unstorableIn(text);
      if (message !== undefined) {
        const error = new HttpProblemError(
          'INVALID_PARAMETER',
          `Parameter ${JSON.stringify(name)} ${message}`,
          { parameter: name },
        );
        done(error);
        return;
      }
    }
  }
  done();
}
