import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { HttpProblemError } from '../problems.js';

/** `GET /health/live` (the process answers) and `GET /health/ready` (it can do its work). */
export function healthRoutes(system: StrataSystem, isStarted: () => boolean) {
  return function health(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get('/health/live', () => ({ status: 'live' }));

    app.get('/health/ready', async () => {
      if (!isStarted()) throw new HttpProblemError('NOT_READY', 'Still starting');
      try {
        await system.store.driver.query('SELECT 1');
      } catch (error) {
        throw new HttpProblemError('NOT_READY', 'The event store is unreachable', {
          cause: error instanceof Error ? error.message : String(error),
        });
      }
      const subscribers = await system.engine.status();
      const failed = subscribers.filter((subscriber) => subscriber.state === 'failed');
      if (failed.length > 0) {
        throw new HttpProblemError('NOT_READY', 'Subscribers have stopped on poison events', {
          subscribers: failed.map((subscriber) => subscriber.name),
        });
      }
      return {
        status: 'ready',
        subscribers: subscribers.map(({ name, state, lagEvents, parked }) => ({
          name,
          state,
          lagEvents,
          parked,
        })),
      };
    });
    done();
  };
}
