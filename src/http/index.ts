export { createAuthenticator, requireRole } from './auth.js';
export type { ApiKey, Authenticator, Caller, Role } from './auth.js';
export { buildGateway } from './gateway.js';
export type { GatewayOptions } from './gateway.js';
export { openApiDocument } from './openapi/index.js';
export type { OpenApiOptions } from './openapi/index.js';
export { HttpProblemError, NOT_ANSWERED, problemFor, PROBLEMS } from './problems.js';
export type { Problem, ProblemCode, ProblemKind } from './problems.js';
