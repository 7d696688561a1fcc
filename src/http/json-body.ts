import type { FastifyInstance } from 'fastify';

import { HttpProblemError } from './problems.js';
import { findUnstorable } from './storable-text.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parse(body: Buffer): unknown {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch (error) {
    // Decoding with replacement characters would store text the client never sent.
    throw new HttpProblemError(
      'MALFORMED_JSON',
      'The body is not valid UTF-8',
      {},
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Any failure (syntax, nesting too deep) is the client's malformed body.
    throw new HttpProblemError(
      'MALFORMED_JSON',
      'The body is not valid JSON',
      {},
      { cause: error },
    );
  }
  const unstorable = findUnstorable(value);
  if (unstorable !== undefined) {
    throw new HttpProblemError('VALIDATION_FAILED', `${unstorable.path} ${unstorable.message}`, {
      issues: [{ ...unstorable, rule: 'storableText' }],
    });
  }
  return value;
}

/**
 * Makes `application/json` the only body the gateway reads (anything else is a 415): UTF-8
 * (RFC 8259), parsed by `JSON.parse` itself, every string storable in PostgreSQL.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parse(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
