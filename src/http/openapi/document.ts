import type { ApiLicense } from '../../app/index.js';
import type { MessageRegistry } from '../../messages/index.js';
import { components, type Json } from './components.js';
import { LOG_PATHS, LOG_SCHEMAS } from './log-paths.js';
import { messagePaths } from './message-paths.js';
import { SYSTEM_PATHS, SYSTEM_SCHEMAS } from './system-paths.js';
import { WEBHOOK_PATHS, WEBHOOK_SCHEMAS } from './webhook-paths.js';

/** What the document says of the API beside its routes. */
export interface OpenApiOptions {
  /** The app's name: the document's title. */
  readonly title: string;
  readonly registry: MessageRegistry;
  /** Default: "All rights reserved" (no licence granted). */
  readonly license?: ApiLicense;
}

const ALL_RIGHTS_RESERVED: ApiLicense = { name: 'All rights reserved' };

/**
 * The OpenAPI 3.1 document of a gateway: every route it serves (a test enumerates the routes
 * and checks), commands and queries from the message registry with the headers the routes
 * honour, each query's declared result as its 200 answer, and every error as a problem.
 * The server is relative (`/`): the host that served the document.
 */
export function openApiDocument(options: OpenApiOptions): Json {
  const { title, registry, license = ALL_RIGHTS_RESERVED } = options;
  return {
    openapi: '3.1.0',
    info: {
      title,
      version: '1.0.0',
      description: 'Commands append events; queries read the projections built from them.',
      license: { ...license },
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    paths: {
      ...messagePaths(registry.list()),
      ...LOG_PATHS,
      ...SYSTEM_PATHS,
      ...WEBHOOK_PATHS,
    },
    components: components({ ...LOG_SCHEMAS, ...SYSTEM_SCHEMAS, ...WEBHOOK_SCHEMAS }),
  };
}
