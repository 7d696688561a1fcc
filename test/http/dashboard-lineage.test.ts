import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgDriver, type SqlDriver, type StoredEvent } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { memoryPgliteDriver } from '../support/memory-pglite.js';
import { describePostgres, TEST_DATABASE_URL, useFreshSchemas } from '../support/postgres.js';

function lineageSuite(kind: 'pglite' | 'pg') {
  const freshSchema = kind === 'pg' ? useFreshSchemas() : undefined;
  const running: { system: StrataSystem; http: FastifyInstance }[] = [];
  afterEach(async () => {
    for (const { system, http } of running.splice(0)) {
      await http.close();
      await system.stop();
    }
  });
  const newDriver = async (): Promise<SqlDriver> =>
    freshSchema === undefined
      ? memoryPgliteDriver()
      : createPgDriver({ connectionString: TEST_DATABASE_URL, schema: freshSchema() });

  it("follows a process manager's command from the event that caused it, both ways", async () => {
    const system = await createSystem({ app: devpie, driver: await newDriver() });
    await system.start();
    const http = await buildGateway({ system });
    running.push({ system, http });
    const send = (type: string, data: Record<string, string>, correlation: string) =>
      http.inject({
        method: 'POST',
        url: `/commands/${type}`,
        headers: { 'x-correlation-id': correlation },
        payload: data,
      });
    await send(
      'identity.RegisterUser',
      { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
      'c-ada',
    );
    await send(
      'projects.CreateProject',
      { projectId: 'apollo', ownerId: 'ada', name: 'Apollo' },
      'c-apollo',
    );
    const added = await send(
      'projects.AddTask',
      { projectId: 'apollo', taskId: 'design', title: 'Design the lander' },
      'c-apollo',
    );
    expect(added.statusCode).toBe(200);
    // The process manager opens the task's estimation: an event caused by TaskAdded.
    const [opened] = await readUntil(
      () => system.store.readStream('estimation-apollo.design'),
      (events: StoredEvent[]) => events.length > 0,
      45_000,
    );
    const [task] = (await system.store.readStream('project-apollo')).filter(
      (event) => event.type === 'projects.TaskAdded',
    );
    expect(opened!.metadata).toMatchObject({
      correlationId: 'c-apollo',
      commandCausationId: task!.id,
    });

    const lineage = async (id: string) => {
      const page = await http.inject(`/dashboard/events/${id}`);
      expect(page.statusCode).toBe(200);
      const section = /<section id="lineage">([\s\S]*)<\/section>/.exec(page.body)![1]!;
      const [causes, , effects, conversation] = section.split('<h3>').slice(1);
      return { causes: causes!, effects: effects!, conversation: conversation! };
    };
    const fromTask = await lineage(task!.id);
    expect(fromTask.effects).toContain(`/dashboard/events/${opened!.id}`);
    expect(fromTask.conversation).toContain('projects.ProjectCreated');
    expect(fromTask.conversation).not.toContain('identity.UserRegistered');
    const fromOpened = await lineage(opened!.id);
    expect(fromOpened.causes).toContain(`/dashboard/events/${task!.id}`);

    const search = await http.inject('/dashboard/streams?q=c-apollo');
    expect(search.body).toContain(`/dashboard/events/${opened!.id}`);
    expect(search.body).not.toContain('user-ada');
  });
}

describePostgres('dashboard lineage on PostgreSQL', () => {
  lineageSuite('pg');
});

describe('dashboard lineage on PGlite', () => {
  lineageSuite('pglite');
});
