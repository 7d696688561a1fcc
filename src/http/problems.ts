import { DomainError } from '../domain/index.js';
import { StrataError } from '../errors.js';

/** How one kind of error is answered over HTTP. */
export interface ProblemKind {
  readonly status: number;
  readonly title: string;
  /** Sent as `Retry-After`: the request itself is fine, the server is not ready for it yet. */
  readonly retryAfterSeconds?: number;
  /** Headers the answer carries besides the problem (a 401's `WWW-Authenticate` challenge). */
  readonly headers?: Readonly<Record<string, string>>;
}

// The rows of `PROBLEMS`, kept literal so that their keys make the `ProblemCode` union.
const TABLE = {
  VALIDATION_FAILED: { status: 400, title: 'The request does not match the schema' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  INVALID_PARAMETER: { status: 400, title: 'A parameter is invalid' },
  INVALID_ARGUMENT: { status: 400, title: 'An argument is invalid' },
  INVALID_STREAM_ID: { status: 400, title: 'The stream id is invalid' },
  INVALID_CURSOR: { status: 400, title: 'The cursor is invalid' },
  INVALID_VIEW_QUERY: { status: 400, title: 'The read-model query is invalid' },
  UNKNOWN_POSITION: { status: 400, title: 'No event has that position' },
  INVALID_URL: { status: 400, title: 'The URL is not valid' },
  BAD_REQUEST: { status: 400, title: 'The request is not valid' },
  UNAUTHENTICATED: {
    status: 401,
    title: 'An API key is required',
    headers: { 'www-authenticate': 'Bearer realm="strata"' },
  },
  FORBIDDEN: { status: 403, title: 'This API key may not do that' },
  UNKNOWN_MESSAGE: { status: 404, title: 'No such command or query' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  UNKNOWN_PROJECTION: { status: 404, title: 'No such projection' },
  PARKED_EVENT_NOT_FOUND: { status: 404, title: 'No such parked event' },
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, title: 'No such webhook endpoint' },
  CONCURRENCY_CONFLICT: { status: 409, title: 'The stream changed meanwhile' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    title: 'The idempotency key was used for another command',
  },
  DOCUMENT_EXISTS: { status: 409, title: 'The document exists already' },
  SUBSCRIBER_NOT_PAUSED: { status: 409, title: 'Pause the subscriber first' },
  PROJECTION_SUPERSEDED: {
    status: 409,
    title: 'A newer version of the projection is active or being built',
  },
  UNIQUE_VALUE_TAKEN: { status: 409, title: 'The value is taken' },
  EVENT_TOO_LARGE: { status: 413, title: 'An event is too large' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  URI_TOO_LONG: { status: 414, title: 'A part of the URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be application/json' },
  DOMAIN_REJECTED: { status: 422, title: 'The command was rejected' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  CONSISTENCY_TIMEOUT: {
    status: 503,
    title: 'The read model has not caught up yet',
    retryAfterSeconds: 1,
  },
  PROJECTION_NOT_READY: {
    status: 503,
    title: 'The read model is still being built',
    retryAfterSeconds: 1,
  },
  NOT_READY: { status: 503, title: 'The service is not ready', retryAfterSeconds: 5 },
  STORE_UNAVAILABLE: {
    status: 503,
    title: 'The database does not accept this now',
    retryAfterSeconds: 5,
  },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemKind>;

/** The code of a problem the gateway answers with: a key of `PROBLEMS`. */
export type ProblemCode = keyof typeof TABLE;

/**
 * Every error code the gateway answers with, and its status: the one table from error to HTTP.
 * Core errors know nothing of HTTP; a test checks that each error class has a row here.
 */
export const PROBLEMS: Readonly<Record<ProblemCode, ProblemKind>> = TABLE;

/** True when `code` has a row in `PROBLEMS` (own keys only: `toString` is no problem code). */
export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

/**
 * Error codes that never reach a response as themselves: start-up and configuration failures,
 * and faults of the server's own code or data, which are answered as `INTERNAL` (500).
 */
export const NOT_ANSWERED: ReadonlySet<string> = new Set([
  'INVALID_CONFIGURATION',
  'DATABASE_UNREACHABLE',
  'DATA_DIRECTORY_LOCKED',
  'NO_STORE',
  'STORE_NOT_MIGRATED',
  'TRANSACTION_COUNTER_BEHIND',
  'DUPLICATE_MESSAGE',
  'INVALID_MESSAGE_DEFINITION',
  'INVALID_PROJECTION',
  'DUPLICATE_SUBSCRIBER',
  'UNKNOWN_SUBSCRIBER',
  'CHECKPOINT_MOVED',
  'SUBSCRIBER_FAILED',
  'DUPLICATE_COMMAND',
  'UNKNOWN_SCHEMA_VERSION',
  'UPCAST_FAILED',
  'UNDECODABLE_EVENT',
  'UNDECLARED_PROJECTION',
  'INVALID_UNIQUE_CONSTRAINT',
  'TRANSACTION_ROLLED_BACK',
  'UNDECODABLE_BUS_MESSAGE',
  'BUS_CONSUMER_MISMATCH',
  'BUS_STREAM_INCOMPATIBLE',
  'BUS_MESSAGE_TOO_LARGE',
  'BUS_PUBLISH_REFUSED',
  'BUS_PUBLISH_FAILED',
  'BUS_REQUIRED',
  'LAKE_NOT_CONFIGURED',
  'LAKE_MISMATCH',
  'REPLAY_TARGET_NOT_EMPTY',
  'REPLAY_MISMATCH',
  'LAKE_QUERY_UNAVAILABLE',
  'LAKE_QUERY_FAILED',
  'LAKE_COMPACTION_FAILED',
  'PROJECTION_NOT_BUILT',
  'EMAIL_NOT_CONFIGURED',
  'CDN_NOT_CONFIGURED',
  'CDN_PURGE_FAILED',
  'EVENTS_FAILED',
]);

/** An RFC 9457 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/** An error the gateway raises itself (auth, routing, parsing); `cause` keeps what it answers. */
export class HttpProblemError extends StrataError {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Fields of a Strata error that help a client, copied into the problem document. */
const EXTENSIONS = [
  'issues',
  'messageName',
  'streamId',
  'expected',
  'actual',
  'projection',
  'position',
  'details',
  'limit',
  'size',
  'reason',
  'heldBy',
  'endpointId',
  // A unique value taken: the constraint and the value, never the owner (another user's id).
  'scope',
  'value',
] as const;

/** The problem document for `error`; a domain rejection keeps its own code. */
export function problemFor(error: unknown, requestId: string): Problem {
  if (!(error instanceof StrataError)) {
    // Internals stay in the log, never in the response.
    return problem(
      'INTERNAL',
      'Something went wrong; the request id is in the logs',
      requestId,
      {},
    );
  }
  // By class, not by name: an app's `class ProjectArchived extends DomainError` is a rejection too.
  const isDomain = error instanceof DomainError;
  const kind: ProblemCode = isDomain
    ? 'DOMAIN_REJECTED'
    : isProblemCode(error.code)
      ? error.code
      : 'INTERNAL';
  const extensions: Record<string, unknown> = {};
  for (const field of EXTENSIONS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined) extensions[field] = value;
  }
  if (error instanceof HttpProblemError) Object.assign(extensions, error.extensions);
  if (isDomain) extensions.code = error.code;
  return problem(kind, error.message, requestId, extensions);
}

function problem(
  kind: ProblemCode,
  detail: string,
  requestId: string,
  extensions: Record<string, unknown>,
): Problem {
  const { status, title } = PROBLEMS[kind];
  return {
    type: `https://strata.dev/problems/${kind.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail: status === 500 ? 'Something went wrong; the request id is in the logs' : detail,
    code: kind,
    instance: requestId,
    ...extensions,
  };
}
