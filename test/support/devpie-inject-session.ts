import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

import { readUntil } from './async.js';

/** The README's session on one gateway: a user, a project, a task, and its estimate. */
export async function runDevpieSession(gateway: FastifyInstance) {
  const post = async (command: string, payload: unknown) =>
    gateway.inject({ method: 'POST', url: `/commands/${command}`, payload: payload as object });
  expect(
    (
      await post('identity.RegisterUser', {
        userId: 'ada',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
      })
    ).statusCode,
  ).toBe(200);
  const created = await readUntil(
    () => post('projects.CreateProject', { projectId: 'apollo', ownerId: 'ada', name: 'Apollo' }),
    (reply) => reply.statusCode === 200,
  );
  expect(created.statusCode).toBe(200);
  const task = { projectId: 'apollo', taskId: 'design' };
  expect((await post('projects.AddTask', { ...task, title: 'Design the lander' })).statusCode).toBe(
    200,
  );
  // Estimation opens from TaskAdded (a process manager), then takes the estimate.
  const estimated = await readUntil(
    () => post('estimation.EstimateTask', { ...task, points: 8 }),
    (reply) => reply.statusCode === 200,
  );
  expect(estimated.statusCode).toBe(200);
}
