import type { FastifyInstance } from 'fastify';

/** A route as Fastify registered it: method and URL pattern (`/streams/:id`). */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/**
 * Every route of a ready Fastify instance, read from `printRoutes({ commonPrefix: false })`:
 * Fastify has no other public list. Each line of that tree is `├── segment (METHODS)`, indented
 * four characters a level; a route's URL is the segments on its way from the root.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 4;
    const url = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = url;
    prefixes.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}

/** Whether a document path (`/streams/{id}`) is served by a route pattern (`/streams/:id`). */
export function routeServes(route: RegisteredRoute, path: string): boolean {
  const pattern = route.url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${pattern}$`).test(path);
}

/**
 * The routes of `app` that `paths` (an OpenAPI document's) leaves out. A HEAD route that
 * Fastify adds beside a GET is documented with its GET; `/docs` is the UI over the document.
 */
export function undocumentedRoutes(
  app: FastifyInstance,
  paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): RegisteredRoute[] {
  const routes = registeredRoutes(app);
  const documented = (route: RegisteredRoute) =>
    Object.entries(paths).some(
      ([path, operations]) => route.method.toLowerCase() in operations && routeServes(route, path),
    );
  return routes.filter(
    (route) =>
      // Pages for people, not API: Swagger UI and the operators' dashboard (README).
      !route.url.startsWith('/docs') &&
      !route.url.startsWith('/dashboard') &&
      !(route.method === 'HEAD' && routes.some((r) => r.method === 'GET' && r.url === route.url)) &&
      !documented(route),
  );
}
