import { AssertionError } from 'node:assert/strict';

import type { FastifyInstance } from 'fastify';

import { createSystem, type AppDefinition } from '../app/index.js';
import { buildGateway, type GatewayOptions } from '../http/index.js';
import type { EventStore, SqlDriver } from '../store/index.js';
import type { AnswerOf, HttpRequest } from './http-requests.js';
import { assertContains } from './matching.js';
import { createSpecDatabase } from './spec-database.js';

/** What a request is expected to get: a status, and fields of the body and headers. */
export interface ExpectedResponse<Body = unknown> {
  readonly status: number;
  /** Every field listed must be there with this value (recursively); others may be too. */
  readonly body?: Body;
  /** Headers (lower-case names) and their exact values, or patterns they must match. */
  readonly headers?: Readonly<Record<string, string | RegExp>>;
  /**
   * The events a command request appended, as stored, in order; each checked like `body`
   * (`[]`: none). Read from the stream the command's answer names.
   */
  readonly events?: readonly ExpectedEvent[];
}

/** An event expected in the log: its type, and fields of its data. */
export interface ExpectedEvent {
  readonly type: string;
  readonly data?: unknown;
}

/** `given(requests).when(request).then(response)`, and `close()` once the cases are done. */
export interface HttpSpec {
  (requests: readonly HttpRequest[]): {
    when<Request extends HttpRequest>(
      request: Request,
    ): { then(expected: ExpectedResponse<AnswerOf<Request>>): Promise<void> };
  };
  /** Closes the spec's database (call it in `afterAll`). */
  close(): Promise<void>;
}

export interface HttpSpecOptions {
  /** Gateway options besides the system (API keys, body limit, consistency timeout). */
  readonly gateway?: Omit<GatewayOptions, 'system'>;
}

interface Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/**
 * Given/when/then tests over HTTP: each case starts `app` on an empty in-memory PGlite with its
 * projections and reactors running and the gateway in front (Fastify `inject`, no port),
 * sends the `given` requests (each must succeed), then the `when` request, and checks its
 * response, and the events it appended. A query request is sent with the position of the last given command, so it reads
 * their effects. Failures name the request and show the whole response.
 *
 * @example
 * const given = httpSpec(devpie);
 * afterAll(() => given.close());
 * await given([commandRequest(RegisterUser, { userId: 'ada', email: 'ada@example.com', name: 'Ada' })])
 *   .when(queryRequest(GetUser, { userId: 'ada' }))
 *   .then({ status: 200, body: { email: 'ada@example.com' } });
 */
export function httpSpec(app: AppDefinition, options: HttpSpecOptions = {}): HttpSpec {
  const database = createSpecDatabase();
  const given = (requests: readonly HttpRequest[]) => ({
    when: (request: HttpRequest) => ({
      then: (expected: ExpectedResponse) =>
        database.withFreshDriver((driver) =>
          runCase(driver, app, options, requests, request, expected),
        ),
    }),
  });
  return Object.assign(given, { close: () => database.close() });
}

async function runCase(
  driver: SqlDriver,
  app: AppDefinition,
  options: HttpSpecOptions,
  given: readonly HttpRequest[],
  request: HttpRequest,
  expected: ExpectedResponse,
): Promise<void> {
  const system = await createSystem({ app, driver });
  let gateway: FastifyInstance | undefined;
  try {
    await system.start();
    gateway = await buildGateway({ ...options.gateway, system });
    let position: number | undefined;
    for (const [index, setup] of given.entries()) {
      const response = await send(gateway, setup, position);
      if (response.status >= 300) {
        throw new AssertionError({
          message: `given request #${index + 1} (${describe(setup)}) failed: ${show(response)}`,
        });
      }
      position = positionOf(response.body) ?? position;
    }
    const response = await send(gateway, request, position);
    assertResponse(describe(request), response, expected);
    if (expected.events !== undefined) {
      const appended = await appendedBy(system.store, response.body);
      assertContains(appended, expected.events, `${describe(request)}: the events appended differ`);
    }
  } finally {
    await gateway?.close();
    await system.stop();
  }
}

async function send(
  gateway: FastifyInstance,
  request: HttpRequest,
  position: number | undefined,
): Promise<Response> {
  const readsYourWrites =
    request.url.startsWith('/queries/') && position !== undefined
      ? { 'strata-min-position': String(position) }
      : {};
  const response = await gateway.inject({
    method: request.method,
    url: request.url,
    headers: {
      ...readsYourWrites,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
  });
  const isJson = /json/.test(String(response.headers['content-type'] ?? ''));
  const body: unknown = isJson && response.body !== '' ? response.json() : response.body;
  return { status: response.statusCode, headers: response.headers, body };
}

function assertResponse(request: string, actual: Response, expected: ExpectedResponse): void {
  if (actual.status !== expected.status) {
    throw new AssertionError({
      message: `${request}: expected status ${expected.status}, got ${show(actual)}`,
      actual: actual.status,
      expected: expected.status,
      operator: 'strictEqual',
    });
  }
  if (expected.body !== undefined) {
    assertContains(actual.body, expected.body, `${request}: the body differs (${show(actual)})`);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const header = actual.headers[name];
    const matches =
      typeof value === 'string'
        ? header === value
        : typeof header === 'string' && value.test(header);
    if (!matches) {
      throw new AssertionError({
        message: `${request}: header ${name} is ${JSON.stringify(header)}, expected ${String(value)}`,
      });
    }
  }
}

/** The events a command's answer lists, read back from its stream. */
async function appendedBy(store: EventStore, body: unknown): Promise<ExpectedEvent[]> {
  const answer = body as { streamId?: unknown; events?: readonly { id?: unknown }[] } | undefined;
  if (typeof answer?.streamId !== 'string') return [];
  const ids = new Set((answer.events ?? []).map((event) => event.id));
  const stored = await store.readStream(answer.streamId);
  return stored.filter((event) => ids.has(event.id)).map(({ type, data }) => ({ type, data }));
}

function positionOf(body: unknown): number | undefined {
  const position = (body as { position?: unknown } | undefined)?.position;
  return typeof position === 'number' ? position : undefined;
}

function describe(request: HttpRequest): string {
  return `${request.method} ${request.url}`;
}

function show(response: Response): string {
  return `${response.status} ${JSON.stringify(response.body)}`;
}
