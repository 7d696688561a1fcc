import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { HttpProblemError, problemFor, type ProblemCode } from './problems.js';

/** Node's HTTP parser errors, by code, as problems of the table; any other is a bad request. */
const PARSER_ERRORS: Readonly<Record<string, ProblemCode>> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse as HTTP never reaches a route,
 * so its answer is written on the socket here, as a problem document with a request id like
 * every other, before the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A connection reset by the client has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = PARSER_ERRORS[error.code ?? ''] ?? 'BAD_REQUEST';
  const requestId = randomUUID();
  const problem = problemFor(
    new HttpProblemError(code, 'The request is not valid HTTP/1.1', {}, { cause: error }),
    requestId,
  );
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
