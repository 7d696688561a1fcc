export { commandRequest, queryRequest } from './http-requests.js';
export type { AnswerOf, ExpectedAnswer, HttpRequest, QueryRequest } from './http-requests.js';
export { httpSpec } from './http-spec.js';
export type { ExpectedEvent, ExpectedResponse, HttpSpec, HttpSpecOptions } from './http-spec.js';
export { projectionSpec } from './projection-spec.js';
export type {
  ProjectionSpec,
  ProjectionSpecOptions,
  ReadModelExpectation,
  SpecEvent,
} from './projection-spec.js';
