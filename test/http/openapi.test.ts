import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem } from '../../src/app/index.js';
import { buildGateway, openApiDocument } from '../../src/http/index.js';
import { createMessageRegistry, defineCommand, validatorFor } from '../../src/messages/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { useDevpieGateway } from './devpie-gateway.js';
import { registeredRoutes, routeServes, undocumentedRoutes } from './registered-routes.js';

describe('the OpenAPI document lists every route', () => {
  const gateway = useDevpieGateway();

  it('documents every route Fastify registered', async () => {
    const { app, document } = gateway();
    const { paths } = await document();
    expect(registeredRoutes(app).length).toBeGreaterThan(8);
    expect(undocumentedRoutes(app, paths)).toEqual([]);
    for (const path of ['/events', '/streams/{id}', '/health/live', '/health/ready', '/schemas']) {
      expect(paths[path]?.get, path).toBeDefined();
    }
  });

  it('names a route added without documentation', async () => {
    const system = await createSystem({ app: devpie, driver: await createPgliteDriver() });
    const app = await buildGateway({ system });
    app.get('/undocumented', () => 'undocumented');
    await app.ready();
    const { paths } = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    expect(undocumentedRoutes(app, paths)).toEqual([{ method: 'GET', url: '/undocumented' }]);
    await app.close();
    await system.stop();
  });

  it('serves every path it documents', async () => {
    const { app, document } = gateway();
    const routes = registeredRoutes(app);
    for (const [path, operations] of Object.entries((await document()).paths)) {
      for (const method of Object.keys(operations)) {
        const served = routes.some(
          (route) => route.method === method.toUpperCase() && routeServes(route, path),
        );
        expect(served, `${method} ${path}`).toBe(true);
      }
    }
  });

  it('has an operation for each command and query of the app', async () => {
    const { system, document } = gateway();
    const { paths } = await document();
    for (const message of system.registry.list()) {
      if (message.kind === 'command')
        expect(paths[`/commands/${message.name}`]?.post).toBeDefined();
      if (message.kind === 'query') expect(paths[`/queries/${message.name}`]?.get).toBeDefined();
    }
  });
});

describe('the OpenAPI document describes the API', () => {
  const gateway = useDevpieGateway();

  it('answers each query with the result schema the query declares', async () => {
    const { system, document } = gateway();
    const { paths } = await document();
    const queries = system.registry.list().filter((message) => message.kind === 'query');
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      const ok = paths[`/queries/${query.name}`]?.get?.responses['200'];
      expect(query.result, query.name).toBeDefined();
      expect(ok?.content?.['application/json']?.schema, query.name).toEqual(query.result);
    }
    const getProject = paths['/queries/projects.GetProject']?.get?.responses['200'];
    expect(getProject?.content?.['application/json']?.schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['projectId', 'tasks', 'totalEstimate']) as unknown,
    });
  });

  it("answers each devpie query with a value of the query's result schema", async () => {
    const { app, system } = gateway();
    const send = async (command: string, payload: Record<string, unknown>) => {
      const response = await app.inject({ method: 'POST', url: `/commands/${command}`, payload });
      expect(response.statusCode, command).toBe(200);
      return response.json<{ position: number }>().position;
    };
    await send('identity.RegisterUser', { userId: 'ada', email: 'ada@example.com', name: 'Ada' });
    await send('projects.CreateProject', { projectId: 'apollo', ownerId: 'ada', name: 'Apollo' });
    await send('projects.AddTask', { projectId: 'apollo', taskId: 'design', title: 'Design' });
    const position = await send('estimation.EstimateTask', {
      projectId: 'apollo',
      taskId: 'design',
      points: 8,
    });
    // What the session above made, by parameter name: each query takes those it declares.
    const known: Record<string, string> = {
      userId: 'ada',
      email: 'ada@example.com',
      ownerId: 'ada',
      projectId: 'apollo',
      taskId: 'design',
    };
    for (const query of system.app.queries ?? []) {
      const response = await app.inject({
        method: 'GET',
        url: `/queries/${query.name}`,
        query: {
          ...Object.fromEntries(
            Object.keys((query.schema as { properties?: object }).properties ?? {})
              .filter((name) => name in known)
              .map((name) => [name, known[name]!]),
          ),
          minPosition: String(position),
        },
      });
      expect(response.statusCode, query.name).toBe(200);
      expect(validatorFor(query.result).issues(response.json()), query.name).toEqual([]);
    }
  });

  it('publishes a query result in /schemas', async () => {
    const response = await gateway().app.inject({ method: 'GET', url: '/schemas' });
    const { messages } = response.json<{ messages: { name: string; result?: unknown }[] }>();
    const getUser = messages.find((message) => message.name === 'identity.GetUser');
    expect(getUser?.result).toMatchObject({ type: 'object' });
  });

  it("names the server relative to the document and states the app's licence", async () => {
    const document = await gateway().document();
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) as unknown }]);
    expect(document.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  });

  it('states that no licence is granted when the app declares none', () => {
    const registry = createMessageRegistry([
      defineCommand({ name: 'a.DoIt', schema: Type.Object({}) }),
    ]);
    const document = openApiDocument({ title: 'a', registry }) as { info: { license: unknown } };
    expect(document.info.license).toEqual({ name: 'All rights reserved' });
  });
});
